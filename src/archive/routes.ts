/**
 * `GET /cases/:id/archive.zip`: the archival package of a submitted case, for the case
 * officers and for the members of the organisation whose case it is (cases/' access rule;
 * staff other than case officers are refused). It is made from what is stored: the sealed
 * receipts (both languages), the evidence and its timestamp, every attachment. Audited.
 */
import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../accounts/service.js';
import type { AuditLog } from '../audit/service.js';
import { createCaseAccess } from '../cases/route-context.js';
import type { ReceiptStore } from '../cases/receipt-store.js';
import type { Cases } from '../cases/service.js';
import type { Clock } from '../platform/clock.js';
import { sealCertificates } from '../platform/pades.js';
import { parseTimestampToken } from '../platform/tsa.js';
import type { Signing } from '../signing/service.js';
import { contentDisposition } from '../web/content-disposition.js';
import { AppError } from '../web/errors.js';
import { buildArchivePackage, type PackageInput } from './build.js';

/** The evidence's timestamp as the package holds it (signing/ keeps it). */
export type TimestampSource = (evidenceId: string) => Promise<PackageInput['timestamp']>;

export function archiveTimestamp(signing: Pick<Signing, 'timestampOf'>): TimestampSource {
  return async (evidenceId) => {
    const stored = await signing.timestampOf(evidenceId);
    if (stored.state !== 'stamped' || !stored.tokenDer)
      return stored.state === 'stamped' ? 'pending' : stored.state;
    return { tokenDer: stored.tokenDer, tsaCertificates: parseTimestampToken(stored.tokenDer).certificates };
  };
}

export interface ArchiveRouteDeps {
  clock: Clock;
  cases: Cases;
  accounts: Accounts;
  signing: Signing;
  audit: AuditLog;
  receipts: Pick<ReceiptStore, 'receipt'>;
  timestamp: TimestampSource;
}

export function archiveRoutes(
  app: FastifyInstance,
  deps: ArchiveRouteDeps,
  done: (err?: Error) => void,
): void {
  const { cases, accounts, signing, audit, receipts, clock } = deps;
  const { caseFor } = createCaseAccess({ cases, accounts });

  app.get<{ Params: { id: string } }>('/cases/:id/archive.zip', async (request, reply) => {
    const { row, principal, access, type } = await caseFor(request, request.params.id);
    if (access === 'staff' && !principal.staff.includes('case_officer'))
      throw new AppError('forbidden', 'only case officers take archival packages');
    if (row.status === 'draft' || !row.evidence_id || !row.case_number)
      throw new AppError('not_found', 'no archival package for a draft');
    const evidence = await signing.evidence(row.evidence_id);
    if (!evidence) throw new AppError('not_found', 'evidence missing');
    const org = await accounts.findOrganisation(row.orgnr);
    const attachments = await cases.attachments(row.id);
    const files: PackageInput['attachments'][number][] = [];
    for (const a of attachments) {
      const bytes = await cases.content(a.sha256);
      if (!bytes) throw new Error(`content ${a.sha256} of attachment ${a.id} is missing`);
      files.push({
        id: a.id,
        fileName: a.fileName,
        mediaType: a.mediaType,
        bytes: new Uint8Array(bytes),
        onMessage: a.messageId !== null,
      });
    }
    // Both languages, as stored (the one not made yet is made and stored now), and the chain of their seal.
    const sealed = [];
    for (const lang of ['sv', 'en'] as const)
      sealed.push({ lang, pdf: new Uint8Array((await receipts.receipt({ row, type, evidence }, lang)).pdf) });
    const { zip } = buildArchivePackage({
      createdAt: clock.now(),
      case: {
        id: row.id,
        caseNumber: row.case_number,
        type: row.type_id,
        typeName: { sv: type.name.sv, en: type.name.en },
        orgnr: row.orgnr,
        organisation: org?.name ?? row.orgnr,
        submittedAt: row.submitted_at ?? evidence.signed_at,
      },
      evidence,
      timestamp: await deps.timestamp(evidence.id),
      receipts: sealed,
      sealChain: sealed[0] ? sealCertificates(Buffer.from(sealed[0].pdf)) : [],
      attachments: files,
    });
    await audit.record({
      event: 'archive_package',
      outcome: 'success',
      actor: principal.personnummer,
      subject: `case:${row.id}`,
      ip: request.ip,
      details: { caseNumber: row.case_number, files: attachments.length, bytes: zip.byteLength },
    });
    return reply
      .header('content-type', 'application/zip')
      .header(
        'content-disposition',
        contentDisposition(
          `${request.lang === 'sv' ? 'arkivpaket' : 'archive-package'}-${row.case_number}.zip`,
        ),
      )
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
  });
  done();
}
