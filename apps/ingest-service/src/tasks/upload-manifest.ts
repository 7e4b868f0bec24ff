import { IngestSubmitRequest } from '@rag/contracts';

/** What an accepted upload keeps beside its file: enough to queue its job again. */
export type UploadManifest = IngestSubmitRequest & { taskId: string; submittedAt: number };

export const MANIFEST_SUFFIX = '.task.json';
export const manifestKey = (storageKey: string) => `${storageKey}${MANIFEST_SUFFIX}`;
