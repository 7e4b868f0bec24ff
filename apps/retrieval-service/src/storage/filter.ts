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

export function chunkFilter(scope: ChunkScope): string {
  const parts = [`collection_name = ${sqlString(scope.collectionId)}`];
  if (scope.filenames?.length) parts.push(`filename IN (${scope.filenames.map(sqlString).join(', ')})`);
  if (scope.dataTypes?.length) parts.push(`data_type IN (${scope.dataTypes.map(sqlString).join(', ')})`);
  if (scope.documentIds?.length) parts.push(`document_id IN (${scope.documentIds.map(sqlString).join(', ')})`);
  return parts.join(' AND ');
}

export function documentFilter(selector: DocumentSelector): string {
  const parts = [`collection_name = ${sqlString(selector.collectionId)}`];
  if (selector.documentId !== undefined) parts.push(`document_id = ${sqlString(selector.documentId)}`);
  if (selector.filename !== undefined) parts.push(`filename = ${sqlString(selector.filename)}`);
  return parts.join(' AND ');
}

export function versionsFilter(key: DocumentKey): string {
  return `collection_name = ${sqlString(key.collectionId)} AND (filename = ${sqlString(key.filename)} OR document_id = ${sqlString(key.documentId)})`;
}

/** Vector index measurements for one recall target. */
export function calibrationFilter(recallTarget: number): string {
  return `recall_target = ${Number(recallTarget)}`;
}
