import * as shared from '@giaoban/shared';
import { HTTP_STATUS_OF, ROUTES, type RouteSpec } from '@giaoban/shared';
import { z } from 'zod';

/** Express path → OpenAPI path (`/api/meetings/:id` → `/api/meetings/{id}`). */
export const toOpenApiPath = (p: string): string => p.replace(/:([A-Za-z_]+)/g, '{$1}');

function schema(s: z.ZodType): unknown {
  const out = z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const RESPONSE_SCHEMAS: Record<string, z.ZodType | undefined> = {
  TokenResponse: shared.TokenResponse,
  PasswordChanged: shared.PasswordChanged,
  Grant: shared.Grant,
  'Unit[]': z.array(shared.Unit),
  DirectoryImportResult: shared.DirectoryImportResult,
  'UnitGroup[]': z.array(shared.UnitGroup),
  UnitGroup: shared.UnitGroup,
  'Account[]': z.array(shared.Account),
  Account: shared.Account,
  'AuditEntry[]': z.array(shared.AuditEntry),
  'MeetingSummary[]': z.array(shared.MeetingSummary),
  Meeting: shared.Meeting,
  'Invitation[]': z.array(shared.Invitation),
  InvitationRevoked: shared.InvitationRevoked,
  'InvitationView[]': z.array(shared.InvitationView),
  'SessionView[]': z.array(shared.SessionView),
  'AttendanceRow[]': z.array(shared.AttendanceRow),
  MeetingEventsPage: shared.MeetingEventsPage,
  Health: shared.Health,
  SignedMinutesResult: shared.SignedMinutesResult,
  SignedMinutesStatus: shared.SignedMinutesStatus,
  FileRef: shared.FileRef,
  MinutesReviewView: shared.MinutesReviewView,
  ArchiveListing: shared.ArchiveListing,
  ArchivePlayLink: shared.ArchivePlayLink,
  ArchiveSearchResult: shared.ArchiveSearchResult,
  RetentionSettings: shared.RetentionSettings,
};

/** JSON responses typed in TypeScript only (issue #14 views; see shared/src/briefing.ts). */
const JSON_VIEWS = new Set([
  'BriefingView',
  'ReportBoard',
  'SiteReportView',
  'MeetingDocumentView',
]);

const MEDIA: Record<string, string> = {
  'text/csv': 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  'text/plain': 'text/plain; version=0.0.4',
};

/** The OpenAPI 3.1 document of the REST API, built from the shared route table. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES as readonly RouteSpec[]) {
    const p = toOpenApiPath(r.path);
    const params = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' } as unknown,
    }));
    for (const [name, q] of Object.entries(r.query?.shape ?? {})) {
      params.push({ name, in: 'query', required: false, schema: schema(q as z.ZodType) });
    }
    const ok =
      r.response === 'null'
        ? { description: 'done' }
        : (() => {
            const zs = RESPONSE_SCHEMAS[r.response];
            if (zs)
              return {
                description: r.response,
                content: { 'application/json': { schema: schema(zs) } },
              };
            if (JSON_VIEWS.has(r.response))
              return {
                description: r.response,
                content: { 'application/json': { schema: { type: 'object' } } },
              };
            const media = MEDIA[r.response] ?? 'application/octet-stream';
            return {
              description: r.response,
              content: { [media]: { schema: { type: 'string', format: 'binary' } } },
            };
          })();
    const op: Record<string, unknown> = {
      operationId: `${r.method}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: `${r.method.toUpperCase()} ${r.path}`,
      description:
        r.roles === 'public'
          ? 'No token needed.'
          : `Roles: ${r.roles.join(', ')}. Meeting routes also need membership of that meeting.`,
      ...(params.length ? { parameters: params } : {}),
      ...(r.roles === 'public' ? { security: [] } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schema(r.body) } },
            },
          }
        : {}),
      responses: {
        [r.method === 'post' && r.path === '/api/meetings' ? '201' : '200']: ok,
        default: {
          description: `Error: ${Object.entries(HTTP_STATUS_OF)
            .map(([c, s]) => `${s} ${c}`)
            .join(', ')}`,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    paths[p] ??= {};
    paths[p][r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'GiaoBan hub REST API',
      version: '0.1.0',
      description:
        'Generated from shared/src/rest.ts (ROUTES); docs/openapi.json is checked against the code by tests/integration/contract-docs.test.ts.',
    },
    servers: [{ url: 'http://localhost:3000' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: [...shared.ERROR_CODES] },
                message: { type: 'string' },
                issues: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { path: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
