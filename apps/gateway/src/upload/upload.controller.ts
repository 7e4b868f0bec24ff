import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequireScopes } from '../http/access.decorators';
import { CollectionParamsDto, UploadReplyDto } from '../http/http-api.dto';
import { UploadService } from './upload.service';

@ApiTags('ingest')
@Controller()
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Post('upload/:collectionId')
  @HttpCode(202)
  @RequireScopes('upload')
  @ApiOperation({
    summary: 'Upload one or more files into a collection',
    description:
      'multipart/form-data, any number of file fields (up to MAX_FILES_PER_UPLOAD). PDF, .txt, .md and .html; the type is checked by magic bytes. Returns one task per file at once; poll GET /tasks/{taskId}.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } } },
  })
  @ApiAcceptedResponse({ type: UploadReplyDto.Output })
  async upload(@Param() { collectionId }: CollectionParamsDto, @Req() req: Request) {
    return { collectionId, ...(await this.uploads.upload(collectionId, req)) };
  }
}
