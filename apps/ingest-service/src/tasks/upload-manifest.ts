import { CallerIdentity, IngestSubmitRequest } from '@rag/contracts';

/**
 * What an accepted upload keeps beside its file: enough to queue its job again, with the API caller
 * it was uploaded for (its store into the index is checked against that caller).
 */
export type UploadManifest = IngestSubmitRequest & { taskId: string; submittedAt: number; caller?: CallerIdentity };

export const MANIFEST_SUFFIX = '.task.json';
export const manifestKey = (storageKey: string) => `${storageKey}${MANIFEST_SUFFIX}`;

/**
 * What a finished job leaves beside the upload it discards: the document it stored. A second job
 * for the same upload (queued again by the reconciler while the first, cut off from a restarted
 * Redis, was still running) finds it and ends with that result instead of failing on the missing
 * file. The reconciler removes it after the grace period.
 */
export interface UploadResult {
  documentId: string;
  pages: number;
}

export const DONE_SUFFIX = '.done.json';
export const doneKey = (storageKey: string) => `${storageKey}${DONE_SUFFIX}`;
