import { Controller, Delete, Get, Param, Query } from '@nestjs/common';
import {
  ChunkPageQuery,
  ChunkPageQuerySchema,
  CollectionIdSchema,
  DeleteByFilenameQuerySchema,
  DocumentIdSchema,
  RetrievalCollectionDelete,
  RetrievalCollectionList,
  RetrievalDocumentChunks,
  RetrievalDocumentDelete,
  RetrievalDocumentList,
} from '@rag/contracts';
import { BusClient } from '@rag/platform';
import { ZodPipe } from '../http/zod-body.pipe';

const collectionPipe = () => new ZodPipe(CollectionIdSchema, 'collection id');

@Controller()
export class CollectionsController {
  constructor(private readonly bus: BusClient) {}

  @Get('collections')
  list() {
    return this.bus.request(RetrievalCollectionList, {});
  }

  @Get('collections/:collectionId/documents')
  documents(@Param('collectionId', collectionPipe()) collectionId: string) {
    return this.bus.request(RetrievalDocumentList, { collectionId });
  }

  @Get('collections/:collectionId/documents/:documentId/chunks')
  chunks(
    @Param('collectionId', collectionPipe()) collectionId: string,
    @Param('documentId', new ZodPipe(DocumentIdSchema, 'document id')) documentId: string,
    @Query(new ZodPipe(ChunkPageQuerySchema, 'query')) page: ChunkPageQuery,
  ) {
    return this.bus.request(RetrievalDocumentChunks, { collectionId, documentId, offset: page.offset, limit: page.limit });
  }

  @Delete('collections/:collectionId')
  deleteCollection(@Param('collectionId', collectionPipe()) collectionId: string) {
    return this.bus.request(RetrievalCollectionDelete, { collectionId });
  }

  /** Removes a document's chunks everywhere they are stored. */
  @Delete('embeddings/:collectionId/:documentId')
  deleteDocument(
    @Param('collectionId', collectionPipe()) collectionId: string,
    @Param('documentId', new ZodPipe(DocumentIdSchema, 'document id')) documentId: string,
  ) {
    return this.bus.request(RetrievalDocumentDelete, { collectionId, documentId });
  }

  @Delete('embeddings/:collectionId')
  deleteByFilename(
    @Param('collectionId', collectionPipe()) collectionId: string,
    @Query(new ZodPipe(DeleteByFilenameQuerySchema, 'query')) q: { filename: string },
  ) {
    return this.bus.request(RetrievalDocumentDelete, { collectionId, filename: q.filename });
  }
}
