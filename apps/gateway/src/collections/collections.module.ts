import { Module } from '@nestjs/common';
import { CollectionsController } from './collections.controller';
import { DocumentFilesService } from './document-files.service';

/** Collections and their documents: listing, chunks, the original files, deletion. */
@Module({ controllers: [CollectionsController], providers: [DocumentFilesService] })
export class CollectionsModule {}
