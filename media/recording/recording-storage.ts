// Picks the recording store's backend from the configuration every recording service shares
// (lib/config recordingStoreConfigSchema): the S3-compatible bucket when RECORDING_S3_URL is set,
// else the service's local-disk folder.
import { ConfigError } from '#lib/config/index.js';
import { LocalDiskStorage, type BlobStorage } from './blob-storage.js';
import { S3BlobStorage } from './s3-storage.js';

export type RecordingStoreConfig = {
  RECORDING_S3_URL?: string | undefined;
  RECORDING_S3_REGION: string;
  RECORDING_S3_ACCESS_KEY_ID?: string | undefined;
  RECORDING_S3_SECRET_ACCESS_KEY?: string | undefined;
};

/** The configured store; a bucket URL without both keys is a configuration error naming them. */
export function recordingStorage(config: RecordingStoreConfig, localDir: string): BlobStorage {
  if (config.RECORDING_S3_URL === undefined) return new LocalDiskStorage(localDir);
  const missing = (['RECORDING_S3_ACCESS_KEY_ID', 'RECORDING_S3_SECRET_ACCESS_KEY'] as const).filter((k) => config[k] === undefined);
  if (missing.length > 0) throw new ConfigError(missing.map((key) => ({ key, value: undefined, message: 'required with RECORDING_S3_URL' })));
  return new S3BlobStorage({
    url: config.RECORDING_S3_URL,
    region: config.RECORDING_S3_REGION,
    accessKeyId: config.RECORDING_S3_ACCESS_KEY_ID ?? '',
    secretAccessKey: config.RECORDING_S3_SECRET_ACCESS_KEY ?? '',
  });
}
