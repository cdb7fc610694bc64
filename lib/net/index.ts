export { corkForThisTurn, type CorkableSocket } from './cork-for-turn.js';
