import { CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit.service';
import type { Role } from './api-key.entity';
import { ApiKeysService, AuthenticatedKey } from './api-keys.service';

const ROLES = 'uitkomst:roles';
/** Restricts a route to API keys with one of these roles (admin may always act). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

type AuthedRequest = FastifyRequest & { apiKey?: AuthenticatedKey | null };

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly keys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, [context.getHandler(), context.getClass()]);
    if (!roles) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('Authorization: Bearer <API key> is required');
    const key = await this.keys.authenticate(match[1]);
    if (!key) throw new UnauthorizedException('API key is unknown or revoked');
    if (key.role !== 'admin' && !roles.includes(key.role)) throw new ForbiddenException(`this action needs role ${roles.join(' or ')}`);
    req.apiKey = key;
    return true;
  }
}

/** The authenticated key of the request (set by ApiKeyGuard). */
export const CurrentKey = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthenticatedKey => {
  const key = ctx.switchToHttp().getRequest<AuthedRequest>().apiKey;
  if (!key) throw new UnauthorizedException('API key required');
  return key;
});

export const actorOf = (key: AuthenticatedKey): Actor => ({ keyId: key.id, organisationCode: key.organisationCode });
