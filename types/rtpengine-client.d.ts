// Type declarations for rtpengine-client 0.4.x, which ships none (shared MEDIA-FACTS §2).
declare module 'rtpengine-client' {
  import type { EventEmitter } from 'node:events';

  export type NgResponse = { result: string; 'error-reason'?: string; warning?: string; sdp?: string; [key: string]: unknown };
  export type NgTarget = { port: number; host: string };

  export class RtpEngineError extends Error {}

  export class Client extends EventEmitter {
    constructor(options?: { localPort?: number; localAddress?: string; timeout?: number; rejectOnError?: boolean });
    ping(port: number, host: string): Promise<NgResponse>;
    ping(target: NgTarget): Promise<NgResponse>;
    offer(port: number, host: string, params: Record<string, unknown>): Promise<NgResponse>;
    offer(target: NgTarget, params: Record<string, unknown>): Promise<NgResponse>;
    answer(port: number, host: string, params: Record<string, unknown>): Promise<NgResponse>;
    answer(target: NgTarget, params: Record<string, unknown>): Promise<NgResponse>;
    delete(port: number, host: string, params: Record<string, unknown>): Promise<NgResponse>;
    delete(target: NgTarget, params: Record<string, unknown>): Promise<NgResponse>;
    query(port: number, host: string, params: Record<string, unknown>): Promise<NgResponse>;
    query(target: NgTarget, params: Record<string, unknown>): Promise<NgResponse>;
    list(port: number, host: string, params?: Record<string, unknown>): Promise<NgResponse>;
    list(target: NgTarget, params?: Record<string, unknown>): Promise<NgResponse>;
    statistics(port: number, host: string, params?: Record<string, unknown>): Promise<NgResponse>;
    startRecording(target: NgTarget, params: Record<string, unknown>): Promise<NgResponse>;
    stopRecording(target: NgTarget, params: Record<string, unknown>): Promise<NgResponse>;
    playMedia(target: NgTarget, params: Record<string, unknown>): Promise<NgResponse>;
    close(): void;
  }
}
