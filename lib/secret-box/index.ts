export { deriveKey, open, seal } from './secret-box.js';
