import { SearchFilters } from '@rag/contracts';

/** The chunks a search may return: always one collection, optionally narrowed. */
export interface ChunkScope extends SearchFilters {
  collectionId: string;
}

/** Documents of one collection (all of them, or one by id or by filename). */
export interface DocumentSelector {
  collectionId: string;
  documentId?: string;
  filename?: string;
}

/** The stored versions of one document: the same filename (a new upload) or the same id (a retried job). */
export interface DocumentKey {
  collectionId: string;
  filename: string;
  documentId: string;
}

/** Quotes a value as a SQL string literal for LanceDB filters: doubling quotes makes injection inert. */
export function sqlString(value: string): string {
  if (value.includes('\u0000')) throw new Error('NUL byte in filter value');
  return `'${value.replace(/'/g, "''")}'`;
}

/** The chunks of a collection's table a search keeps (null: all of them). */
export function chunkFilter(scope: ChunkScope): string | null {
  const parts: string[] = [];
  if (scope.filenames?.length) parts.push(`filename IN (${scope.filenames.map(sqlString).join(', ')})`);
  if (scope.dataTypes?.length) parts.push(`data_type IN (${scope.dataTypes.map(sqlString).join(', ')})`);
  if (scope.documentIds?.length) parts.push(`document_id IN (${scope.documentIds.map(sqlString).join(', ')})`);
  return parts.length ? parts.join(' AND ') : null;
}

/** `chunkFilter` as a test of one chunk, for searches served from memory (null: all of them). */
export function chunkPredicate(scope: ChunkScope): ((chunk: FilteredFields) => boolean) | null {
  const filenames = scope.filenames?.length ? new Set(scope.filenames) : null;
  const dataTypes = scope.dataTypes?.length ? new Set<string>(scope.dataTypes) : null;
  const documentIds = scope.documentIds?.length ? new Set(scope.documentIds) : null;
  if (!filenames && !dataTypes && !documentIds) return null;
  return (c) =>
    (!filenames || filenames.has(c.filename)) &&
    (!dataTypes || dataTypes.has(c.data_type)) &&
    (!documentIds || documentIds.has(c.document_id));
}

/** The columns a search filter reads. */
export interface FilteredFields {
  filename: string;
  data_type: string;
  document_id: string;
}

/** The selected documents' rows in the documents table. */
export function documentFilter(selector: DocumentSelector): string {
  return [collectionFilter(selector.collectionId), chunkDocumentFilter(selector)].filter(Boolean).join(' AND ');
}

/** The selected documents' chunks in their collection's table (null: all of them). */
export function chunkDocumentFilter(selector: DocumentSelector): string | null {
  const parts: string[] = [];
  if (selector.documentId !== undefined) parts.push(`document_id = ${sqlString(selector.documentId)}`);
  if (selector.filename !== undefined) parts.push(`filename = ${sqlString(selector.filename)}`);
  return parts.length ? parts.join(' AND ') : null;
}

/** The stored versions' rows in the documents table. */
export function versionsFilter(key: DocumentKey): string {
  return `${collectionFilter(key.collectionId)} AND ${chunkVersionsFilter(key)}`;
}

/** The stored versions' chunks in their collection's table. */
export function chunkVersionsFilter(key: DocumentKey): string {
  return `(filename = ${sqlString(key.filename)} OR document_id = ${sqlString(key.documentId)})`;
}

/** One collection's vector index measurements for one recall target. */
export function calibrationFilter(collectionId: string, recallTarget: number): string {
  return `${collectionFilter(collectionId)} AND recall_target = ${Number(recallTarget)}`;
}

/** Every row of one collection (tables keyed by collection). */
export function collectionFilter(collectionId: string): string {
  return `collection_name = ${sqlString(collectionId)}`;
}
