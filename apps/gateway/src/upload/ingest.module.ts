import { Module } from '@nestjs/common';
import { TasksController } from '../tasks/tasks.controller';
import { UploadController } from './upload.controller';
import { UploadService } from './upload.service';

/** Uploads into collections and their ingest tasks (the work itself is the ingest service's). */
@Module({ controllers: [UploadController, TasksController], providers: [UploadService] })
export class IngestModule {}
