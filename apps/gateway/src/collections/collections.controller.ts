import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
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
import type { Response } from 'express';
import { ZodPipe } from '../http/zod-body.pipe';
import { Caller, CurrentCaller, mayTouch } from '../keys/caller';
import { DocumentFilesService } from './document-files.service';

const collectionPipe = () => new ZodPipe(CollectionIdSchema, 'collection id');

@Controller()
export class CollectionsController {
  constructor(
    private readonly bus: BusClient,
    private readonly files: DocumentFilesService,
  ) {}

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
    return this.bus.request(RetrievalDocumentChunks, {
      collectionId,
      documentId,
      offset: page.offset,
      limit: page.limit,
    });
  }

  /** The document's original file, as uploaded; one byte range of it for a `Range` request (206). */
  @Get('collections/:collectionId/documents/:documentId/file')
  async file(
    @Param('collectionId', collectionPipe()) collectionId: string,
    @Param('documentId', new ZodPipe(DocumentIdSchema, 'document id')) documentId: string,
    @Headers('range') range: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const f = await this.files.open(collectionId, documentId, range);
    res.status(f.range ? 206 : 200);
    res.setHeader('Content-Type', f.contentType);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(f.filename)}`);
    res.setHeader('Content-Length', String(f.range ? f.range.end - f.range.start + 1 : f.size));
    if (f.range) res.setHeader('Content-Range', `bytes ${f.range.start}-${f.range.end}/${f.size}`);
    f.body.on('error', () => res.destroy());
    f.body.pipe(res);
  }

  @Delete('collections/:collectionId')
  async deleteCollection(@Param('collectionId', collectionPipe()) collectionId: string) {
    const reply = await this.bus.request(RetrievalCollectionDelete, { collectionId });
    await this.files.removeCollection(collectionId);
    return reply;
  }

  /** Removes a document's chunks everywhere they are stored, and its original. */
  @Delete('collections/:collectionId/documents/:documentId')
  async deleteDocument(
    @Param('collectionId', collectionPipe()) collectionId: string,
    @Param('documentId', new ZodPipe(DocumentIdSchema, 'document id')) documentId: string,
  ) {
    const reply = await this.bus.request(RetrievalDocumentDelete, { collectionId, documentId });
    await this.files.removeDocuments(collectionId, reply.documentIds);
    return reply;
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
  async deleteByFilename(
    @Param('collectionId', collectionPipe()) collectionId: string,
    @Query(new ZodPipe(DeleteByFilenameQuerySchema, 'query')) q: { filename: string },
  ) {
    const reply = await this.bus.request(RetrievalDocumentDelete, { collectionId, filename: q.filename });
    await this.files.removeDocuments(collectionId, reply.documentIds);
    return reply;
  }
}
