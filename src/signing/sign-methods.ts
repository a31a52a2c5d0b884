/**
 * The port through which a signing method offers itself wherever something is signed (the
 * review of a case, the sign page). The method features (bankid/, card/) are given to the
 * signing and case routes as a list of these by the composition (app.tsx), so neither
 * signing/ nor cases/ names them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TextKey } from '../platform/i18n/index.js';

/** One button of a method: BankID on this device, BankID on another device, the card. */
export interface SignOption {
  /** Unique within the method. */
  id: string;
  label: TextKey;
}

/** A way to sign, offered when its method is enabled. */
export interface SignMethod {
  id: string;
  /** Whether the method can be used now (rollout plan, configuration). */
  isAvailable(): Promise<boolean>;
  /** The method's name as a heading ("BankID", "ID-kort"). */
  label: TextKey;
  note: TextKey;
  /** The buttons that start it; the first is the method's default. */
  options: readonly SignOption[];
  /**
   * Starts signing request `signRequestId` with `option` (the request's CSRF token is
   * already checked) and answers: the method's waiting page, or a page that says why not.
   */
  begin(request: FastifyRequest, reply: FastifyReply, signRequestId: string, option: string): Promise<unknown>;
}

/** The value of a start button: `<method>:<option>`. */
export function choiceValue(method: SignMethod, option: SignOption): string {
  return `${method.id}:${option.id}`;
}

/** The methods available now, in the composition's order. */
export async function availableMethods(methods: readonly SignMethod[]): Promise<SignMethod[]> {
  const flags = await Promise.all(methods.map((m) => m.isAvailable()));
  return methods.filter((_, i) => flags[i]);
}

/**
 * Starts signing with the method and option a start button named, if that method is
 * available now; `undefined` when the choice names none, so the caller can show the choice.
 */
export async function beginChosen(
  methods: readonly SignMethod[],
  choice: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  signRequestId: string,
): Promise<{ answered: unknown } | undefined> {
  if (typeof choice !== 'string') return undefined;
  const at = choice.indexOf(':');
  const methodId = at < 0 ? choice : choice.slice(0, at);
  const optionId = at < 0 ? '' : choice.slice(at + 1);
  const method = (await availableMethods(methods)).find((m) => m.id === methodId);
  const option = method?.options.find((o) => o.id === optionId) ?? (at < 0 ? method?.options[0] : undefined);
  if (!method || !option) return undefined;
  return { answered: await method.begin(request, reply, signRequestId, option.id) };
}
