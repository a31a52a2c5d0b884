/**
 * The test app's pages (Swedish, like the BankID app): server-rendered, no script, every
 * control labelled, one h1 per page, errors in role="alert", outcomes in role="status".
 */
import { renderToString } from 'preact-render-to-string';
import type { ComponentChildren } from 'preact';
import { UserVisibleText, decodeUserVisibleData } from './markdown.js';
import type { Order } from './orders.js';
import type { BankIdPerson } from './pki.js';

const CSS =
  'body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}' +
  'label,legend{display:block;font-weight:600;margin-top:1rem}textarea,select,input[type=text]{font:inherit;width:100%;box-sizing:border-box}' +
  'fieldset{border:1px solid #767676;margin-top:1rem}button{font:inherit;padding:.5rem 1rem;margin:1rem .5rem 0 0}' +
  '.uvd{background:#f2f4f7;border:1px solid #767676;padding:0 1rem}[role=alert]{color:#a00;font-weight:600}' +
  'p,li,dd{overflow-wrap:anywhere}.note{color:#444}code{word-break:break-all}label.inline{display:inline;font-weight:normal;margin-left:.25rem}';

export function page(title: string, body: ComponentChildren): string {
  return `<!doctype html>${renderToString(
    <html lang="sv">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} – BankID (testapp)`}</title>
        <style>{CSS}</style>
      </head>
      <body>
        <main>
          <h1>{title}</h1>
          <p class="note">
            <strong>Simulerad BankID-app</strong> för utveckling och test. Den skriver under med testpersonernas riktiga
            testnycklar.
          </p>
          {body}
        </main>
      </body>
    </html>,
  )}`;
}

const personLabel = (p: BankIdPerson) => `${p.givenName} ${p.surname} (${p.personnummer})`;

function PersonSelect(props: { id: string; people: readonly BankIdPerson[]; selected: string | null }) {
  return (
    <select id={props.id} name="personnummer">
      {props.people.map((p) => (
        <option value={p.personnummer} selected={p.personnummer === props.selected}>
          {personLabel(p)}
        </option>
      ))}
    </select>
  );
}

function Alert(props: { message: string | undefined }) {
  return props.message === undefined ? null : <p role="alert">{props.message}</p>;
}

export function homePage(props: {
  people: readonly BankIdPerson[];
  error?: string;
  code?: string;
  selected?: string;
  pushed: readonly { order: Order; person: BankIdPerson }[];
  /** QR codes on screens right now (a stand-in for pointing the camera at one). */
  onScreen?: readonly Order[];
}): string {
  return page(
    'Start',
    <>
      <Alert message={props.error} />
      <h2>QR-koder som visas just nu</h2>
      {(props.onScreen ?? []).length === 0 ? (
        <p>Ingen tjänst visar en QR-kod för BankID just nu.</p>
      ) : (
        <ul>
          {(props.onScreen ?? []).map((order) => (
            <li>
              <form method="post" action="/camera">
                <input type="hidden" name="orderRef" value={order.orderRef} />
                {`${order.rp.identity.displayName}: ${isSign(order) ? 'underskrift' : 'legitimering'} `}
                <label for={`cam-${order.orderRef}`} class="inline">
                  som
                </label>{' '}
                <PersonSelect id={`cam-${order.orderRef}`} people={props.people} selected={props.selected ?? null} />{' '}
                <button type="submit">Läs av QR-koden</button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <h2>Läs av QR-kod eller öppna en autostartlänk</h2>
      <form method="post" action="/scan">
        <label for="code">QR-kod eller autostarttoken</label>
        <p id="code-hint" class="note">
          Klistra in texten i QR-koden (börjar med <code>bankid.</code>) eller en autostarttoken.
        </p>
        <textarea id="code" name="code" rows={3} required aria-describedby="code-hint">
          {props.code ?? ''}
        </textarea>
        <label for="person">Identitet i appen</label>
        <PersonSelect id="person" people={props.people} selected={props.selected ?? null} />
        <button type="submit">Läs in</button>
      </form>
      <h2>Beställningar som väntar på dig</h2>
      {props.pushed.length === 0 ? (
        <p>Inga beställningar väntar (telefonärenden och beställningar med personnummer visas här).</p>
      ) : (
        <ul>
          {props.pushed.map(({ order, person }) => (
            <li>
              <form method="post" action="/open">
                <input type="hidden" name="orderRef" value={order.orderRef} />
                <input type="hidden" name="personnummer" value={person.personnummer} />
                {`${order.rp.identity.displayName}: ${isSign(order) ? 'underskrift' : 'legitimering'} för ${personLabel(person)} `}
                <button type="submit" aria-label={`Öppna beställningen från ${order.rp.identity.displayName} för ${person.givenName} ${person.surname}`}>
                  Öppna
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </>,
  );
}

const isSign = (order: Order) => order.kind === 'sign' || order.kind === 'phone/sign';

export function orderPage(props: {
  order: Order;
  people: readonly BankIdPerson[];
  selected: string | null;
  error?: string;
}): string {
  const { order } = props;
  const text = decodeUserVisibleData(order.request.userVisibleData);
  const requirement = order.request.requirement;
  const verb = isSign(order) ? 'Skriv under' : 'Legitimera';
  return page(
    verb,
    <>
      <Alert message={props.error} />
      <p>
        Begärt av <strong>{order.rp.identity.displayName}</strong>.
      </p>
      <p role="status">Status: {order.pendingHint}</p>
      <h2>{isSign(order) ? 'Det här skriver du under' : 'Min avsikt'}</h2>
      {text === null ? (
        <p>Ingen text från tjänsten.</p>
      ) : (
        <UserVisibleText text={text} format={order.request.userVisibleDataFormat ?? 'plaintext'} headingLevel={3} />
      )}
      <form method="post" action={`/order/${order.orderRef}`}>
        <label for="person">Vem är du?</label>
        <PersonSelect id="person" people={props.people} selected={props.selected ?? order.person} />
        <fieldset>
          <legend>Bekräfta med</legend>
          <input type="radio" id="method-pin" name="authMethod" value="pin" checked />
          <label for="method-pin" class="inline">
            Säkerhetskod
          </label>
          <br />
          <input
            type="radio"
            id="method-bio"
            name="authMethod"
            value="biometric"
            disabled={requirement.pinCode === true}
            aria-describedby={requirement.pinCode === true ? 'pin-note' : undefined}
          />
          <label for="method-bio" class="inline">
            Ansiktsigenkänning eller fingeravtryck
          </label>
          {requirement.pinCode === true ? (
            <p id="pin-note" class="note">
              Tjänsten kräver säkerhetskod.
            </p>
          ) : null}
        </fieldset>
        {requirement.mrtd === true ? (
          <>
            <input type="checkbox" id="mrtd" name="mrtd" value="passed" checked />
            <label for="mrtd" class="inline">
              Pass eller ID-kort lästes av och stämde
            </label>
          </>
        ) : null}
        <div>
          <button type="submit" name="action" value="complete">
            {verb}
          </button>
          <button type="submit" name="action" value="cancel">
            Avbryt
          </button>
        </div>
      </form>
    </>,
  );
}

export function resultPage(props: { title: string; message: string; returnTo: string | null; failed?: boolean }): string {
  return page(
    props.title,
    <>
      {props.failed === true ? <p role="alert">{props.message}</p> : <p role="status">{props.message}</p>}
      {props.returnTo === null ? null : (
        <p>
          <a href={props.returnTo}>Tillbaka till tjänsten</a>
        </p>
      )}
      <p>
        <a href="/">Till startsidan</a>
      </p>
    </>,
  );
}
