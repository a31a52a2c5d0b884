/** The login page: the methods the rollout plan enables now, each with what it needs, and those still to come. */
import type { ComponentChildren } from 'preact';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import type { LoginMethodProvider } from '../methods.js';
import type { MethodId } from '../../identity/methods.js';
import type { SiteInfo } from '../../platform/site.js';
import { describePlanDate } from '../plan-dates.js';
import { statusAt, type PlannedMethod } from '../plan.js';

export interface LoginMethodView {
  method: PlannedMethod;
  /** Where the button leads, or undefined when no provider is available right now. */
  startPath: string | undefined;
}

/** The methods the login page offers at `now` (with their providers' paths) and those still to come. */
export function loginMethodsAt(
  methods: readonly PlannedMethod[],
  now: Date,
  providers: ReadonlyMap<MethodId, LoginMethodProvider>,
): { enabled: LoginMethodView[]; planned: PlannedMethod[] } {
  return {
    enabled: methods.filter((m) => statusAt(m, now) === 'enabled').map((method) => ({ method, startPath: providers.get(method.id)?.startPath })),
    planned: methods.filter((m) => statusAt(m, now) === 'planned'),
  };
}

export function LoginPage(props: {
  ctx: PageContext;
  site: SiteInfo;
  now: Date;
  enabled: readonly LoginMethodView[];
  planned: readonly PlannedMethod[];
  /** What the last step led to: logged out, logged out for being idle, too many attempts. */
  message: { kind: 'success' | 'info' | 'error'; text: string } | undefined;
}) {
  const { ctx, site, now } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t['login.title']}>
      <h1>{t['login.title']}</h1>
      {props.message ? (
        <Notice kind={props.message.kind}>
          <p>{props.message.text}</p>
        </Notice>
      ) : null}
      {ctx.principal ? (
        <Notice kind="info">
          <p>
            {t['login.alreadyIn']} <a href="/start">{t['login.toStart']}</a>
          </p>
        </Notice>
      ) : null}
      <p class="lead">{t['login.lead']}</p>
      <LoginMethodList ctx={ctx} site={site} now={now} enabled={props.enabled} planned={props.planned} />
      <p>
        <a href="/info">{t['login.moreInfo']}</a>
      </p>
      <p>
        <a href="/testa-e-legitimation">{t['selftest.link']}</a>
      </p>
    </Layout>
  );
}

/**
 * The login page's list of methods that work at `now` and those to come; also shown by the
 * admin preview of a date (with `level` 3 under its own heading, and `startControl` drawing
 * each method's login button as something that cannot be used).
 */
export function LoginMethodList(props: {
  ctx: PageContext;
  site: SiteInfo;
  now: Date;
  enabled: readonly LoginMethodView[];
  planned: readonly PlannedMethod[];
  level?: 2 | 3;
  /** Draws a method's login button instead of the link to its start path (the admin preview). */
  startControl?: (label: string) => ComponentChildren;
}) {
  const { ctx, site, now } = props;
  const { t, lang } = ctx;
  const name = (id: MethodId) => t[`method.${id}.name`];
  const H = props.level === 3 ? 'h3' : 'h2';
  const HMethod = props.level === 3 ? 'h4' : 'h3';
  return (
    <>
      <section aria-labelledby="enabled-heading">
        <H id="enabled-heading">{t['login.enabledHeading']}</H>
        {props.enabled.length === 0 ? <p>{t['login.noneEnabled']}</p> : null}
        <ul class="method-list">
          {props.enabled.map(({ method, startPath }) => (
            <li class="method-card" key={method.id} data-method={method.id}>
              <HMethod>{name(method.id)}</HMethod>
              <p>{t[`method.${method.id}.needs`]}</p>
              {method.notice ? <p class="method-notice">{method.notice[lang]}</p> : null}
              {startPath && props.startControl ? (
                props.startControl(t['login.start']({ method: name(method.id) }))
              ) : startPath ? (
                <a class="button-primary" href={startPath}>
                  {t['login.start']({ method: name(method.id) })}
                </a>
              ) : (
                <p class="method-unavailable">{t['login.unavailable']}</p>
              )}
            </li>
          ))}
        </ul>
      </section>
      {props.planned.length > 0 ? (
        <section aria-labelledby="planned-heading">
          <H id="planned-heading">{t['login.plannedHeading']}</H>
          <ul class="method-list">
            {props.planned.map((method) => (
              <li class="method-card method-planned" key={method.id} data-method={method.id}>
                <HMethod>{name(method.id)}</HMethod>
                <p>
                  {t['login.comingOn']({
                    when: describePlanDate(lang, method.enabledFrom, method.announceAs, now, site.timeZone),
                  })}
                </p>
                <p>{t[`method.${method.id}.needs`]}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
