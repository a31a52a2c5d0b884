/**
 * Texts of the retention page (/admin/retention) and the purge command. Swedish is the
 * source; English must have the same keys and parameters. The rules' own descriptions come
 * from config/retention.json, in both languages.
 */
import type { CatalogOf } from '../platform/i18n/catalog.js';

export const retentionSv = {
  'retention.nav': 'Bevarande och gallring',
  'retention.navHint': 'Hur länge utkast, ärenden, loggar och filer sparas, och vad gallringen har tagit bort.',
  'retention.title': 'Bevarande och gallring',
  'retention.lead':
    'Reglerna nedan är myndighetens och ändras i filen config/retention.json. Gallringen körs med kommandot npm run purge (först med --dry-run) eller dagligen i portalen om det är påslaget. Ett inskickat ärende tas aldrig bort förrän det har avslutats och bevarandetiden från avslutet har gått.',
  'retention.rules.caption': 'Regler för bevarande',
  'retention.col.rule': 'Regel',
  'retention.col.period': 'Sparas',
  'retention.col.description': 'Vad regeln innebär',
  'retention.rule.drafts': 'Utkast',
  'retention.rule.closedCases': 'Avslutade ärenden',
  'retention.rule.auditEvents': 'Granskningsloggen',
  'retention.rule.unreferencedFiles': 'Filer utan bilaga',
  'retention.rule.expiredStoreRows': 'Sessioner och ordrar',
  'retention.period.months': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'månad' : 'månader'} utan ändring`,
  'retention.period.years': (p: { count: number }) => `${p.count} år`,
  'retention.period.hours': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'timme' : 'timmar'}`,
  'retention.period.atExpiry': 'Tills de går ut',
  'retention.runs.heading': 'Senaste gallringarna',
  'retention.runs.caption': 'De senaste gallringarna och provkörningarna, nyast först',
  'retention.runs.none': 'Ingen gallring har körts ännu.',
  'retention.col.started': 'Startade',
  'retention.col.kind': 'Slag',
  'retention.col.by': 'Körd av',
  'retention.col.counts': 'Borttaget',
  'retention.col.wouldRemove': 'Skulle tas bort',
  'retention.run.dryRun': 'Provkörning (inget togs bort)',
  'retention.run.purge': 'Gallring',
  'retention.run.interrupted': 'Avbröts; nästa körning fortsätter',
  'retention.trigger.command': (p: { instance: string }) => `Kommandot npm run purge på ${p.instance}`,
  'retention.trigger.automatic': (p: { instance: string }) => `Daglig gallring i portalen på ${p.instance}`,
  'retention.nothing': 'Inget',
  'retention.preview.heading': 'Vad en gallring skulle ta bort i dag',
  'retention.preview.show': 'Räkna ut vad som skulle tas bort i dag',
  'retention.preview.hint': 'Uträkningen tar inte bort något.',
  'retention.preview.caption': 'Vad en gallring skulle ta bort i dag, per regel',
  'retention.preview.capped': (p: { cap: number }) => `Varje regel räknas upp till ${p.cap} poster; det kan finnas fler.`,
  'retention.preview.notCounted': 'Tas bort av den löpande städningen när de går ut',
  'retention.type.cases': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'ärende' : 'ärenden'}`,
  'retention.type.attachments': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'bilaga' : 'bilagor'}`,
  'retention.type.messages': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'meddelande' : 'meddelanden'}`,
  'retention.type.readMarkers': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'läsmarkering' : 'läsmarkeringar'}`,
  'retention.type.signatureEvidence': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'underskrift' : 'underskrifter'}`,
  'retention.type.fileContents': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'filinnehåll' : 'filinnehåll'}`,
  'retention.type.auditEvents': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'logghändelse' : 'logghändelser'}`,
  'retention.type.storeRows': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'utgången post' : 'utgångna poster'}`,
  'retention.cli.usage': 'Användning: purge [--dry-run] [--lang=sv|en]',
  'retention.cli.dryRun': 'Provkörning: detta skulle tas bort (inget har ändrats):',
  'retention.cli.done': 'Gallringen är klar. Borttaget:',
  'retention.cli.busy': (p: { owner: string; until: string }) =>
    `En annan gallring pågår redan (${p.owner}, till ${p.until}). Den här avslutas utan att ta bort något.`,
};

export const retentionEn = {
  'retention.nav': 'Retention and purging',
  'retention.navHint': 'How long drafts, cases, logs and files are kept, and what the purge has removed.',
  'retention.title': 'Retention and purging',
  'retention.lead':
    "The rules below are the agency's and are changed in the file config/retention.json. The purge runs with the command npm run purge (first with --dry-run) or daily in the portal if that is turned on. A submitted case is never removed until it has been closed and its retention period from closing has passed.",
  'retention.rules.caption': 'Retention rules',
  'retention.col.rule': 'Rule',
  'retention.col.period': 'Kept for',
  'retention.col.description': 'What the rule means',
  'retention.rule.drafts': 'Drafts',
  'retention.rule.closedCases': 'Closed cases',
  'retention.rule.auditEvents': 'Audit log',
  'retention.rule.unreferencedFiles': 'Files without an attachment',
  'retention.rule.expiredStoreRows': 'Sessions and orders',
  'retention.period.months': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'month' : 'months'} without a change`,
  'retention.period.years': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'year' : 'years'}`,
  'retention.period.hours': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'hour' : 'hours'}`,
  'retention.period.atExpiry': 'Until they expire',
  'retention.runs.heading': 'Latest purges',
  'retention.runs.caption': 'The latest purges and dry runs, newest first',
  'retention.runs.none': 'No purge has run yet.',
  'retention.col.started': 'Started',
  'retention.col.kind': 'Kind',
  'retention.col.by': 'Run by',
  'retention.col.counts': 'Removed',
  'retention.col.wouldRemove': 'Would be removed',
  'retention.run.dryRun': 'Dry run (nothing removed)',
  'retention.run.purge': 'Purge',
  'retention.run.interrupted': 'Interrupted; the next run continues',
  'retention.trigger.command': (p: { instance: string }) => `The command npm run purge on ${p.instance}`,
  'retention.trigger.automatic': (p: { instance: string }) => `The daily purge in the portal on ${p.instance}`,
  'retention.nothing': 'Nothing',
  'retention.preview.heading': 'What a purge would remove today',
  'retention.preview.show': 'Work out what would be removed today',
  'retention.preview.hint': 'Working it out removes nothing.',
  'retention.preview.caption': 'What a purge would remove today, per rule',
  'retention.preview.capped': (p: { cap: number }) => `Each rule is counted up to ${p.cap} items; there may be more.`,
  'retention.preview.notCounted': 'Removed by the regular housekeeping when they expire',
  'retention.type.cases': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'case' : 'cases'}`,
  'retention.type.attachments': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'attachment' : 'attachments'}`,
  'retention.type.messages': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'message' : 'messages'}`,
  'retention.type.readMarkers': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'read marker' : 'read markers'}`,
  'retention.type.signatureEvidence': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'signature' : 'signatures'}`,
  'retention.type.fileContents': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'file content' : 'file contents'}`,
  'retention.type.auditEvents': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'audit event' : 'audit events'}`,
  'retention.type.storeRows': (p: { count: number }) => `${p.count} ${p.count === 1 ? 'expired entry' : 'expired entries'}`,
  'retention.cli.usage': 'Usage: purge [--dry-run] [--lang=sv|en]',
  'retention.cli.dryRun': 'Dry run: this would be removed (nothing has changed):',
  'retention.cli.done': 'The purge is done. Removed:',
  'retention.cli.busy': (p: { owner: string; until: string }) =>
    `Another purge is running (${p.owner}, until ${p.until}). This one ends without removing anything.`,
} satisfies CatalogOf<typeof retentionSv>;

declare module '../platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this feature's keys
  interface MessageCatalog extends CatalogOf<typeof retentionSv> {}
}

/** The types a purge counts, in the order they are shown. */
export const COUNT_TYPES = ['cases', 'attachments', 'messages', 'readMarkers', 'signatureEvidence', 'fileContents', 'auditEvents', 'storeRows'] as const;
