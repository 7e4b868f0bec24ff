/**
 * Every name that crosses the wire lives here and nowhere else.
 * Once released, a name never changes: old replicas and queued jobs still use it.
 */
export const QueueNames = {
  ingest: 'ingest',
} as const;

export const Patterns = {
  ingestSubmit: 'ingest.submit',
  ingestTaskGet: 'ingest.task.get',
  ingestTaskList: 'ingest.task.list',
  ingestHealth: 'ingest.health',

  retrievalSearch: 'retrieval.search',
  retrievalDocumentReplace: 'retrieval.document.replace',
  retrievalDocumentFind: 'retrieval.document.find',
  retrievalDocumentDelete: 'retrieval.document.delete',
  retrievalDocumentList: 'retrieval.document.list',
  retrievalDocumentChunks: 'retrieval.document.chunks',
  retrievalCollectionList: 'retrieval.collection.list',
  retrievalCollectionDelete: 'retrieval.collection.delete',
  retrievalCollectionCreate: 'retrieval.collection.create',
  retrievalHealth: 'retrieval.health',

  chatStream: 'chat.stream',
  chatHealth: 'chat.health',
  chatConversationGet: 'chat.conversation.get',
  chatConversationList: 'chat.conversation.list',
} as const;

export type Pattern = (typeof Patterns)[keyof typeof Patterns];
