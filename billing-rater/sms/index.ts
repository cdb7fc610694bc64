export { MessageMoney } from './message-money.js';
export type { MessageMoneyOptions } from './message-money.js';
export { HoldSweeper } from './hold-sweeper.js';
export type { HoldSweeperOptions } from './hold-sweeper.js';
export { SmsCatalog, usableSmsBundles } from './sms-catalog.js';
export type { SmsBundle, SmsPlanPrice } from './sms-catalog.js';
export { SmsHoldStore } from './sms-hold-store.js';
export type { StoredHold } from './sms-hold-store.js';
export { smsChargeKey, smsKeys } from './sms-keys.js';
