import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ChunkPageQuery,
  CollectionCreateRequestSchema,
  ChunkPageQuerySchema,
  CollectionIdSchema,
  DeleteByFilenameQuerySchema,
  DocumentIdSchema,
  RetrievalCollectionCreate,
  RetrievalCollectionDelete,
  RetrievalCollectionList,
  RetrievalDocumentChunks,
  RetrievalDocumentDelete,
  RetrievalDocumentList,
} from '@rag/contracts';
import { BusClient } from '@rag/platform';
import { ZodPipe } from '../http/zod-body.pipe';
import { Caller, CurrentCaller, mayTouch } from '../keys/caller';

const collectionPipe = () => new ZodPipe(CollectionIdSchema, 'collection id');

@Controller()
export class CollectionsController {
  constructor(private readonly bus: BusClient) {}

  /** Only the collections the calling key may reach. */
  @Get('collections')
  async list(@CurrentCaller() caller: Caller) {
    const reply = await this.bus.request(RetrievalCollectionList, {});
    return { ...reply, collections: reply.collections.filter((c) => mayTouch(caller, c.collectionId)) };
  }

  @Post('collections')
  @HttpCode(201)
  create(@Body(new ZodPipe(CollectionCreateRequestSchema)) body: { collectionId: string; description?: string }) {
    return this.bus.request(RetrievalCollectionCreate, body);
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
  @Delete('collections/:collectionId/documents/:documentId')
  deleteDocument(
    @Param('collectionId', collectionPipe()) collectionId: string,
    @Param('documentId', new ZodPipe(DocumentIdSchema, 'document id')) documentId: string,
  ) {
    return this.bus.request(RetrievalDocumentDelete, { collectionId, documentId });
  }

  /** The old path of the same delete, kept for one release. */
  @Delete('embeddings/:collectionId/:documentId')
  deleteDocumentOldPath(
    @Param('collectionId', collectionPipe()) collectionId: string,
    @Param('documentId', new ZodPipe(DocumentIdSchema, 'document id')) documentId: string,
  ) {
    return this.deleteDocument(collectionId, documentId);
  }

  @Delete('embeddings/:collectionId')
  deleteByFilename(
    @Param('collectionId', collectionPipe()) collectionId: string,
    @Query(new ZodPipe(DeleteByFilenameQuerySchema, 'query')) q: { filename: string },
  ) {
    return this.bus.request(RetrievalDocumentDelete, { collectionId, filename: q.filename });
  }
}
