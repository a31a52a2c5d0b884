/**
 * The archival package as files: the manifest lists every file with its SHA-256, and the
 * checker names each fault of a package someone changed (a byte, a missing file, a file
 * added, a broken manifest) and refuses it. The signature, timestamp and seal checks over
 * real evidence are in archive.test.ts.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildArchivePackage, safeName, type PackageInput } from './build.js';
import type { Manifest } from './manifest.js';
import { verifyArchivePackage, type PackageVerifiers } from './verify.js';

const evidence = {
  id: '00000000-0000-4000-8000-000000000001',
  request_id: 'r'.repeat(32),
  purpose: 'case_submission',
  subject: 'case-1',
  method: 'telia_card',
  signer_personnummer: '191212121212',
  signer_name: 'Tolvan Tolvansson',
  digest: '',
  document: '{"case":"KW-2026-0001"}',
  visible_text: 'Ansökan',
  evidence: JSON.stringify({
    format: 'cms-v1',
    issuerId: 'telia',
    cms: '',
    chain: ['MAA='],
    ocsp: 'AAEC',
    signingTime: null,
  }),
  signed_at: '2026-11-28T09:00:00.000Z',
  verified_at: '2026-11-28T09:00:00.000Z',
};

function input(): PackageInput {
  return {
    createdAt: new Date('2026-11-28T10:00:00Z'),
    case: {
      id: 'case-1',
      caseNumber: 'KW-2026-0001',
      type: 'other',
      typeName: { sv: 'Övrigt ärende', en: 'Other matter' },
      orgnr: '5566778899',
      organisation: 'Nordvik AB',
      submittedAt: '2026-11-28T09:00:00.000Z',
    },
    evidence: { ...evidence, digest: 'd'.repeat(64) },
    timestamp: 'pending',
    receipts: [{ lang: 'sv', pdf: new Uint8Array(Buffer.from('%PDF-1.7 kvitto')) }],
    sealChain: [],
    attachments: [
      {
        id: 'a1',
        fileName: 'bilaga.pdf',
        mediaType: 'application/pdf',
        bytes: new Uint8Array(Buffer.from('%PDF-1.4 a')),
        onMessage: false,
      },
      {
        id: 'a2',
        fileName: '../../etc/passwd\u202Efdp.exe',
        mediaType: 'application/pdf',
        bytes: new Uint8Array(Buffer.from('%PDF-1.4 b')),
        onMessage: true,
      },
    ],
  };
}

const passing: PackageVerifiers = {
  timestamp: () => Promise.resolve({ ok: true, genTime: new Date(), detail: 'test' }),
  seal: () => Promise.resolve({ ok: true, detail: 'test seal' }),
};

const trust = { bankidRoots: [], cardProfiles: [], tsaRoots: [], sealRoots: [] };

function repack(zip: Uint8Array, change: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(zip);
  change(files);
  const out: Zippable = {};
  for (const [name, bytes] of Object.entries(files)) out[name] = bytes;
  return zipSync(out);
}

const named = async (zip: Uint8Array) => {
  const checks = await verifyArchivePackage(zip, trust, passing);
  return new Map(checks.map((c) => [c.name, c]));
};

describe('the archival package', () => {
  it('lists every file in the manifest with its SHA-256, size and what it is; names stay inside their folder', () => {
    const { zip, manifest } = buildArchivePackage(input());
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['manifest.json', ...manifest.files.map((f) => f.path)].sort());
    const listed = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as Manifest;
    expect(listed).toEqual(manifest);
    expect(listed.files.map((f) => f.kind)).toEqual([
      'receipt',
      'signed_document',
      'signed_text',
      'signature_evidence',
      'signature_record',
      'ocsp_response',
      'signer_chain',
      'attachment',
      'message_attachment',
    ]);
    for (const f of listed.files) {
      expect(f.about.sv.length).toBeGreaterThan(10);
      expect(f.about.en.length).toBeGreaterThan(10);
    }
    const hostile = listed.files.find((f) => f.kind === 'message_attachment')!;
    expect(hostile.path).toMatch(/^meddelanden\/02-[^/]+$/);
    expect(hostile.path).not.toContain('\u202E');
    expect(hostile.name).toBe('../../etc/passwd\u202Efdp.exe');
    expect(listed.signature.timestamp).toBe('pending');
    // The same input gives the same bytes.
    expect(Buffer.from(buildArchivePackage(input()).zip).equals(Buffer.from(zip))).toBe(true);
  });

  it('checks an untouched package file by file', async () => {
    const checks = await named(buildArchivePackage(input()).zip);
    for (const name of ['zip', 'manifest', 'no unlisted files', 'complete'])
      expect(checks.get(name)?.ok, name).toBe(true);
    expect([...checks.keys()].filter((n) => n.startsWith('file ')).every((n) => checks.get(n)?.ok)).toBe(
      true,
    );
  });

  it('fault: one byte changed in an attachment → named and refused', async () => {
    const zip = repack(buildArchivePackage(input()).zip, (files) => {
      const name = Object.keys(files).find((n) => n.startsWith('bilagor/'))!;
      const bytes = files[name]!;
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    });
    const checks = await named(zip);
    const changed = [...checks.values()].find((c) => c.name.startsWith('file bilagor/'));
    expect(changed).toMatchObject({ ok: false });
    expect(changed?.detail).toMatch(/^changed: SHA-256/);
  });

  it('fault: a file missing, a file added, the manifest gone or not JSON → each named', async () => {
    const { zip } = buildArchivePackage(input());
    const missing = await named(repack(zip, (files) => delete files['underskrift/bevis.json']));
    expect(missing.get('file underskrift/bevis.json')).toMatchObject({
      ok: false,
      detail: 'missing (signature_evidence)',
    });
    expect(missing.get('complete')).toMatchObject({ ok: false, detail: 'missing: signature_evidence' });
    const added = await named(repack(zip, (files) => (files['extra.exe'] = new Uint8Array([1]))));
    expect(added.get('no unlisted files')).toMatchObject({
      ok: false,
      detail: 'not in the manifest: extra.exe',
    });
    const noManifest = await verifyArchivePackage(
      repack(zip, (files) => delete files['manifest.json']),
      trust,
      passing,
    );
    expect(noManifest.at(-1)).toMatchObject({
      name: 'manifest',
      ok: false,
      detail: 'manifest.json is missing',
    });
    const broken = await verifyArchivePackage(
      repack(zip, (files) => (files['manifest.json'] = new Uint8Array(Buffer.from('{')))),
      trust,
      passing,
    );
    expect(broken.at(-1)).toMatchObject({ name: 'manifest', ok: false });
    const notZip = await verifyArchivePackage(new Uint8Array(Buffer.from('not a zip')), trust, passing);
    expect(notZip).toEqual([expect.objectContaining({ name: 'zip', ok: false })]);
  });

  it('makes file names safe for any archive tool', () => {
    expect(safeName('a/b\\c:d*e?.pdf')).toBe('a_b_c_d_e_.pdf');
    expect(safeName('..hidden')).toBe('_hidden');
    expect(safeName('')).toBe('fil');
    expect(Array.from(safeName('å'.repeat(300)))).toHaveLength(100);
  });
});
