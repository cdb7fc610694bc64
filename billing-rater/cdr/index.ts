export { CdrQueue } from './cdr-queue.js';
export { CdrWriter, CDR_GROUP } from './cdr-writer.js';
export type { CdrWriterOptions } from './cdr-writer.js';
export { callEndRecordSchema, callDebitKey, decodeCallEndRecord } from './call-end-record.js';
export type { CallEndRecord } from './call-end-record.js';
