import { Module } from '@nestjs/common';
import { RegistryAdminController, RegistryController } from './registry.controller';
import { RegistryService } from './registry.service';

@Module({ controllers: [RegistryController, RegistryAdminController], providers: [RegistryService], exports: [RegistryService] })
export class RegistryModule {}
