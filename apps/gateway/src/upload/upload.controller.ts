import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CollectionIdSchema } from '@rag/contracts';
import type { Request } from 'express';
import { ZodPipe } from '../http/zod-body.pipe';
import { UploadService } from './upload.service';

@Controller()
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Post('upload/:collectionId')
  @HttpCode(202)
  async upload(
    @Param('collectionId', new ZodPipe(CollectionIdSchema, 'collection id')) collectionId: string,
    @Req() req: Request,
  ) {
    return { collectionId, ...(await this.uploads.upload(collectionId, req)) };
  }
}
