import { Controller } from '@nestjs/common';
import {
  RequestOf,
  RetrievalCollectionCreate,
  RetrievalCollectionDelete,
  RetrievalCollectionList,
  RetrievalDocumentChunks,
  RetrievalDocumentDelete,
  RetrievalDocumentFind,
  RetrievalDocumentList,
  RetrievalDocumentReplace,
  RetrievalSearch,
  SearchRequestSchema,
} from '@rag/contracts';
import { BusHandler, BusPayload } from '@rag/platform';
import { z } from 'zod';
import { DocumentsService } from './documents/documents.service';
import { SearchService } from './search/search.service';

/** Bus transport only: translate messages to service calls. */
@Controller()
export class RetrievalController {
  constructor(
    private readonly search: SearchService,
    private readonly documents: DocumentsService,
  ) {}

  @BusHandler(RetrievalSearch)
  onSearch(@BusPayload(RetrievalSearch) q: z.output<typeof SearchRequestSchema>) {
    return this.search.search(q);
  }

  @BusHandler(RetrievalDocumentReplace)
  onReplace(@BusPayload(RetrievalDocumentReplace) req: RequestOf<typeof RetrievalDocumentReplace>) {
    return this.documents.replace(req);
  }

  @BusHandler(RetrievalDocumentFind)
  async onFind(@BusPayload(RetrievalDocumentFind) req: RequestOf<typeof RetrievalDocumentFind>) {
    return this.documents.findWithCounts(req.collectionId, req.documentId);
  }

  @BusHandler(RetrievalDocumentDelete)
  onDelete(@BusPayload(RetrievalDocumentDelete) req: RequestOf<typeof RetrievalDocumentDelete>) {
    return this.documents.delete(req);
  }

  @BusHandler(RetrievalDocumentChunks)
  onChunks(@BusPayload(RetrievalDocumentChunks) req: RequestOf<typeof RetrievalDocumentChunks>) {
    return this.documents.chunks(req.collectionId, req.documentId, { offset: req.offset, limit: req.limit });
  }

  @BusHandler(RetrievalDocumentList)
  async onListDocuments(@BusPayload(RetrievalDocumentList) req: RequestOf<typeof RetrievalDocumentList>) {
    return { documents: await this.documents.listDocuments(req.collectionId) };
  }

  @BusHandler(RetrievalCollectionList)
  async onListCollections() {
    return { collections: await this.documents.listCollections() };
  }

  @BusHandler(RetrievalCollectionCreate)
  onCreateCollection(@BusPayload(RetrievalCollectionCreate) req: RequestOf<typeof RetrievalCollectionCreate>) {
    return this.documents.createCollection(req.collectionId, req.description);
  }

  @BusHandler(RetrievalCollectionDelete)
  onDeleteCollection(@BusPayload(RetrievalCollectionDelete) req: RequestOf<typeof RetrievalCollectionDelete>) {
    return this.documents.deleteCollection(req.collectionId);
  }
}
