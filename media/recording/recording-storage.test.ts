import { describe, expect, it } from 'vitest';
import { ConfigError } from '#lib/config/index.js';
import { LocalDiskStorage } from './blob-storage.js';
import { recordingStorage } from './recording-storage.js';
import { S3BlobStorage } from './s3-storage.js';

describe('recording store from configuration', () => {
  it('is the local disk without a bucket URL, the bucket with one', () => {
    expect(recordingStorage({ RECORDING_S3_REGION: 'us-east-1' }, '/tmp/x')).toBeInstanceOf(LocalDiskStorage);
    const s3 = recordingStorage({ RECORDING_S3_URL: 'https://s3.example.test/rec', RECORDING_S3_REGION: 'eu-west-1', RECORDING_S3_ACCESS_KEY_ID: 'AKIA', RECORDING_S3_SECRET_ACCESS_KEY: 'secret' }, '/tmp/x');
    expect(s3).toBeInstanceOf(S3BlobStorage);
  });

  it('names the missing keys when the bucket URL comes without credentials', () => {
    const attempt = () => recordingStorage({ RECORDING_S3_URL: 'https://s3.example.test/rec', RECORDING_S3_REGION: 'eu-west-1' }, '/tmp/x');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/RECORDING_S3_ACCESS_KEY_ID.*\n.*RECORDING_S3_SECRET_ACCESS_KEY/);
  });
});
