/**
 * Request validation for the RP API (shared/reference/bankid.md §1): what BankID rejects with
 * 400 invalidParameters, with a `details` text naming the problem. Limits from BankID's
 * SampleCode, measured on the base64 text: auth userVisibleData/userNonVisibleData ≤ 1 500,
 * sign ≤ 40 000 / 200 000; returnUrl 1–512; web.referringDomain 3–253, userAgent 1–256,
 * deviceIdentifier 1–64.
 *
 * Unknown fields: the reference does not say what BankID does with them. By default they are
 * rejected (a misspelt or v5-only field such as a top-level `personalNumber` on /auth must not
 * pass silently in tests); `unknownFields: 'ignore'` accepts and drops them.
 */
import { isIP } from 'node:net';
import type { OrderKind, OrderRequest, Requirement } from './orders.js';

export type UnknownFieldPolicy = 'reject' | 'ignore';

export type Parsed<T> = { ok: true; value: T } | { ok: false; details: string };

const LIMITS: Record<OrderKind, { visible: number; nonVisible: number }> = {
  auth: { visible: 1_500, nonVisible: 1_500 },
  'phone/auth': { visible: 1_500, nonVisible: 1_500 },
  sign: { visible: 40_000, nonVisible: 200_000 },
  'phone/sign': { visible: 40_000, nonVisible: 200_000 },
};

const FIELDS: Record<OrderKind, readonly string[]> = {
  auth: ['endUserIp', 'requirement', 'userVisibleData', 'userVisibleDataFormat', 'userNonVisibleData', 'returnUrl', 'returnRisk', 'web', 'app'],
  sign: ['endUserIp', 'requirement', 'userVisibleData', 'userVisibleDataFormat', 'userNonVisibleData', 'returnUrl', 'returnRisk', 'web', 'app'],
  'phone/auth': ['personalNumber', 'callInitiator', 'requirement', 'userVisibleData', 'userVisibleDataFormat', 'userNonVisibleData'],
  'phone/sign': ['personalNumber', 'callInitiator', 'requirement', 'userVisibleData', 'userVisibleDataFormat', 'userNonVisibleData'],
};

const REQUIREMENT_FIELDS = ['pinCode', 'mrtd', 'cardReader', 'certificatePolicies', 'personalNumber'] as const;
const WEB_FIELDS = { deviceIdentifier: [1, 64], referringDomain: [3, 253], userAgent: [1, 256] } as const;
const APP_FIELDS = { appIdentifier: [1, 256], deviceOS: [1, 256], deviceModelName: [1, 256], deviceIdentifier: [1, 64] } as const;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Invalid extends Error {}
function invalid(details: string): never {
  throw new Invalid(details);
}

function checkKnown(obj: Record<string, unknown>, known: readonly string[], prefix: string, policy: UnknownFieldPolicy): void {
  if (policy === 'ignore') return;
  for (const key of Object.keys(obj)) if (!known.includes(key)) invalid(`Unknown parameter: ${prefix}${key}`);
}

function base64Field(value: unknown, name: string, max: number, utf8: boolean): string {
  if (typeof value !== 'string' || value === '' || !BASE64.test(value)) return invalid(`Invalid ${name}`);
  if (value.length > max) return invalid(`Too big content: ${name}`);
  if (utf8) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'base64'));
    } catch {
      return invalid(`Invalid ${name}`);
    }
  }
  return value;
}

function personalNumber(value: unknown, name: string): string {
  if (typeof value !== 'string' || !/^\d{12}$/.test(value)) return invalid(`Invalid ${name}`);
  return value;
}

/** "One wildcard is allowed from position 5 and forward", e.g. 1.2.752.78.* */
function isPolicy(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const parts = value.split('.');
  return parts.every((p, i) => /^\d+$/.test(p) || (p === '*' && i === parts.length - 1 && i >= 4)) && parts.length >= 2;
}

function parseRequirement(value: unknown, kind: OrderKind, policy: UnknownFieldPolicy): Requirement {
  if (!isRecord(value)) return invalid('Invalid requirement');
  const phone = kind === 'phone/auth' || kind === 'phone/sign';
  if ('risk' in value && policy === 'reject') invalid('Invalid requirement.risk: no longer supported, use returnRisk');
  checkKnown(value, phone ? REQUIREMENT_FIELDS.filter((f) => f !== 'personalNumber') : REQUIREMENT_FIELDS, 'requirement.', policy);
  const requirement: Requirement = {};
  for (const flag of ['pinCode', 'mrtd'] as const) {
    if (value[flag] === undefined) continue;
    if (typeof value[flag] !== 'boolean') invalid(`Invalid requirement.${flag}`);
    requirement[flag] = value[flag];
  }
  if (value.cardReader !== undefined) {
    if (value.cardReader !== 'class1' && value.cardReader !== 'class2') invalid('Invalid requirement.cardReader');
    requirement.cardReader = value.cardReader;
  }
  if (value.certificatePolicies !== undefined) {
    const policies = value.certificatePolicies;
    if (!Array.isArray(policies) || policies.length === 0 || !policies.every(isPolicy))
      invalid('Invalid requirement.certificatePolicies');
    requirement.certificatePolicies = policies;
  }
  if (value.personalNumber !== undefined && !phone)
    requirement.personalNumber = personalNumber(value.personalNumber, 'requirement.personalNumber');
  return requirement;
}

function parseDeviceData(
  value: unknown,
  name: 'web' | 'app',
  fields: Readonly<Record<string, readonly [number, number]>>,
  policy: UnknownFieldPolicy,
): Record<string, string> {
  if (!isRecord(value)) return invalid(`Invalid ${name}`);
  checkKnown(value, Object.keys(fields), `${name}.`, policy);
  const out: Record<string, string> = {};
  for (const [key, [min, max]] of Object.entries(fields)) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length < min || v.length > max) invalid(`Invalid ${name}.${key}`);
    out[key] = v;
  }
  if (Object.keys(out).length === 0) invalid(`Invalid ${name}: at least one field is required`);
  if (name === 'web' && out.referringDomain !== undefined && !/^[A-Za-z0-9.-]+$/.test(out.referringDomain))
    invalid('Invalid web.referringDomain: use punycode');
  return out;
}

/** /auth, /sign, /phone/auth, /phone/sign bodies. */
export function parseStartRequest(kind: OrderKind, body: unknown, policy: UnknownFieldPolicy): Parsed<OrderRequest> {
  try {
    if (!isRecord(body)) return invalid('Invalid JSON body');
    checkKnown(body, FIELDS[kind], '', policy);
    const phone = kind === 'phone/auth' || kind === 'phone/sign';
    const limits = LIMITS[kind];
    const request: OrderRequest = { endUserIp: null, requirement: {}, returnRisk: false };
    if (phone) {
      request.personalNumber = personalNumber(body.personalNumber, 'personalNumber');
      if (body.callInitiator !== 'user' && body.callInitiator !== 'RP') invalid('Invalid callInitiator');
      request.callInitiator = body.callInitiator;
    } else {
      if (typeof body.endUserIp !== 'string' || isIP(body.endUserIp) === 0) invalid('Invalid endUserIp');
      request.endUserIp = body.endUserIp;
    }
    if (body.requirement !== undefined) request.requirement = parseRequirement(body.requirement, kind, policy);
    if (body.userVisibleData !== undefined)
      request.userVisibleData = base64Field(body.userVisibleData, 'userVisibleData', limits.visible, true);
    else if (kind === 'sign' || kind === 'phone/sign') invalid('Missing userVisibleData');
    if (body.userVisibleDataFormat !== undefined) {
      if (body.userVisibleDataFormat !== 'plaintext' && body.userVisibleDataFormat !== 'simpleMarkdownV1')
        invalid('Invalid userVisibleDataFormat');
      request.userVisibleDataFormat = body.userVisibleDataFormat;
    }
    if (body.userNonVisibleData !== undefined)
      request.userNonVisibleData = base64Field(body.userNonVisibleData, 'userNonVisibleData', limits.nonVisible, false);
    if (!phone) {
      if (body.returnUrl !== undefined) {
        const url = body.returnUrl;
        if (typeof url !== 'string' || url.length < 1 || url.length > 512 || !/^https?:\/\/[^\s/]+/.test(url))
          invalid('Invalid returnUrl');
        request.returnUrl = url;
      }
      if (body.returnRisk !== undefined) {
        if (typeof body.returnRisk !== 'boolean') invalid('Invalid returnRisk');
        request.returnRisk = body.returnRisk;
      }
      if (body.web !== undefined) request.web = parseDeviceData(body.web, 'web', WEB_FIELDS, policy);
      if (body.app !== undefined) request.app = parseDeviceData(body.app, 'app', APP_FIELDS, policy);
    }
    return { ok: true, value: request };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, details: err.message };
    throw err;
  }
}

/** /collect and /cancel bodies: `{ orderRef }`. */
export function parseOrderRefRequest(body: unknown, policy: UnknownFieldPolicy): Parsed<string> {
  if (!isRecord(body)) return { ok: false, details: 'Invalid JSON body' };
  if (policy === 'reject') {
    const unknown = Object.keys(body).find((k) => k !== 'orderRef');
    if (unknown !== undefined) return { ok: false, details: `Unknown parameter: ${unknown}` };
  }
  const { orderRef } = body;
  if (typeof orderRef !== 'string' || !UUID.test(orderRef)) return { ok: false, details: 'Invalid orderRef' };
  return { ok: true, value: orderRef.toLowerCase() };
}
