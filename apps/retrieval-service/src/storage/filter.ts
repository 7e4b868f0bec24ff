import { SearchFilters } from '@rag/contracts';

/** Quotes a value as a SQL string literal for LanceDB filters: doubling quotes makes injection inert. */
export function sqlString(value: string): string {
  if (value.includes('\u0000')) throw new Error('NUL byte in filter value');
  return `'${value.replace(/'/g, "''")}'`;
}

/** The WHERE clause that scopes a search; the collection is always part of it. */
export function searchFilter(collectionId: string, filters?: SearchFilters): string {
  const parts = [`collection_name = ${sqlString(collectionId)}`];
  if (filters?.filenames?.length) parts.push(`filename IN (${filters.filenames.map(sqlString).join(', ')})`);
  if (filters?.dataTypes?.length) parts.push(`data_type IN (${filters.dataTypes.map(sqlString).join(', ')})`);
  if (filters?.documentIds?.length) parts.push(`document_id IN (${filters.documentIds.map(sqlString).join(', ')})`);
  return parts.join(' AND ');
}
