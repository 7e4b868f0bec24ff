import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  RetrievalCollectionCreate,
  RetrievalCollectionDelete,
  RetrievalCollectionList,
  RetrievalDocumentChunks,
  RetrievalDocumentDelete,
  RetrievalDocumentList,
} from '@rag/contracts';
import { BusClient } from '@rag/platform';
import type { Response } from 'express';
import { RequireScopes } from '../http/access.decorators';
import {
  ChunkPageQueryDto,
  CollectionCreateReplyDto,
  CollectionCreateRequestDto,
  CollectionDeleteReplyDto,
  CollectionListReplyDto,
  CollectionParamsDto,
  DeleteByFilenameQueryDto,
  DocumentChunksReplyDto,
  DocumentDeleteReplyDto,
  DocumentListReplyDto,
  DocumentParamsDto,
} from '../http/http-api.dto';
import { Caller, CurrentCaller, mayTouch } from '../keys/caller';
import { DocumentFilesService } from './document-files.service';

/** Reading a collection: any key that may use it for something. */
const READERS = ['search', 'chat', 'upload', 'delete'] as const;

@ApiTags('collections')
@Controller()
export class CollectionsController {
  constructor(
    private readonly bus: BusClient,
    private readonly files: DocumentFilesService,
  ) {}

  /** Only the collections the calling key may reach. */
  @Get('collections')
  @RequireScopes(...READERS)
  @ApiOperation({ summary: 'Collections with document and chunk counts' })
  @ApiOkResponse({ type: CollectionListReplyDto.Output })
  async list(@CurrentCaller() caller: Caller) {
    const reply = await this.bus.request(RetrievalCollectionList, {});
    return { ...reply, collections: reply.collections.filter((c) => mayTouch(caller, c.collectionId)) };
  }

  @Post('collections')
  @HttpCode(201)
  @RequireScopes('upload')
  @ApiOperation({ summary: 'Create an empty collection with an optional description (409 if it was created before)' })
  @ApiCreatedResponse({ type: CollectionCreateReplyDto.Output })
  create(@Body() body: CollectionCreateRequestDto) {
    return this.bus.request(RetrievalCollectionCreate, body);
  }

  @Get('collections/:collectionId/documents')
  @RequireScopes(...READERS)
  @ApiOperation({ summary: 'Documents of a collection' })
  @ApiOkResponse({ type: DocumentListReplyDto.Output })
  documents(@Param() { collectionId }: CollectionParamsDto) {
    return this.bus.request(RetrievalDocumentList, { collectionId });
  }

  @Get('collections/:collectionId/documents/:documentId/chunks')
  @RequireScopes(...READERS)
  @ApiOperation({
    summary: "A document's stored chunks in order, a page at a time, with their pages, data types and heading paths",
  })
  @ApiOkResponse({ type: DocumentChunksReplyDto.Output })
  chunks(@Param() { collectionId, documentId }: DocumentParamsDto, @Query() page: ChunkPageQueryDto) {
    return this.bus.request(RetrievalDocumentChunks, {
      collectionId,
      documentId,
      offset: page.offset,
      limit: page.limit,
    });
  }

  /** The document's original file, as uploaded; one byte range of it for a `Range` request (206). */
  @Get('collections/:collectionId/documents/:documentId/file')
  @RequireScopes(...READERS)
  @ApiOperation({
    summary: 'The original file of a document, as uploaded (open a citation at its page: `#page=N` for a PDF)',
    description:
      'One byte range for a `Range: bytes=a-b` request (206 with `Content-Range`); 416 for a range outside the file. Removed with its document.',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'the file bytes' })
  async file(
    @Param() { collectionId, documentId }: DocumentParamsDto,
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
  @RequireScopes('delete')
  @ApiOperation({ summary: 'Delete a collection and all its chunks' })
  @ApiOkResponse({ type: CollectionDeleteReplyDto.Output })
  async deleteCollection(@Param() { collectionId }: CollectionParamsDto) {
    const reply = await this.bus.request(RetrievalCollectionDelete, { collectionId });
    await this.files.removeCollection(collectionId);
    return reply;
  }

  /** Removes a document's chunks everywhere they are stored, and its original. */
  @Delete('collections/:collectionId/documents/:documentId')
  @RequireScopes('delete')
  @ApiOperation({ summary: 'Delete one document and its chunks everywhere' })
  @ApiOkResponse({ type: DocumentDeleteReplyDto.Output })
  deleteDocument(@Param() params: DocumentParamsDto) {
    return this.removeDocument(params.collectionId, params.documentId);
  }

  private async removeDocument(collectionId: string, documentId: string) {
    const reply = await this.bus.request(RetrievalDocumentDelete, { collectionId, documentId });
    await this.files.removeDocuments(collectionId, reply.documentIds);
    return reply;
  }

  /** The old path of the same delete, kept for one release. */
  @Delete('embeddings/:collectionId/:documentId')
  @RequireScopes('delete')
  @ApiOperation({
    summary: 'Old name of DELETE /collections/{collectionId}/documents/{documentId}',
    deprecated: true,
  })
  @ApiOkResponse({ type: DocumentDeleteReplyDto.Output })
  deleteDocumentOldPath(@Param() params: DocumentParamsDto) {
    return this.removeDocument(params.collectionId, params.documentId);
  }

  @Delete('embeddings/:collectionId')
  @RequireScopes('delete')
  @ApiOperation({ summary: 'Delete every version of a document by filename' })
  @ApiOkResponse({ type: DocumentDeleteReplyDto.Output })
  async deleteByFilename(@Param() { collectionId }: CollectionParamsDto, @Query() q: DeleteByFilenameQueryDto) {
    const reply = await this.bus.request(RetrievalDocumentDelete, { collectionId, filename: q.filename });
    await this.files.removeDocuments(collectionId, reply.documentIds);
    return reply;
  }
}
