import { ApiKey } from '../auth/api-key.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { Municipality } from '../registry/entities/municipality.entity';
import { Organisation } from '../registry/entities/organisation.entity';
import { Province, Region } from '../registry/entities/region.entity';
import { SiteMunicipality, SitePartner } from '../registry/entities/site-links.entity';
import { SiteTypologyRecord } from '../registry/entities/site-typology.entity';
import { Site } from '../registry/entities/site.entity';
import { Release } from '../releases/release.entity';
import { Submission } from '../submissions/submission.entity';

export const ENTITIES = [
  Region, Province, Municipality, Organisation, Site, SiteMunicipality, SitePartner, SiteTypologyRecord,
  ApiKey, AuditEvent, Submission, Release,
];
