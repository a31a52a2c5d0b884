/**
 * The register page: the organisation's contacts and products, each with the form that adds
 * one; after a refused form, the summary of its problems and what was typed.
 */
import { formatOrgnr } from '../../accounts/orgnr.js';
import { Layout, Notice, type PageContext } from '../../web/layout.js';
import { countryName } from '../../cases/formats.js';
import { ErrorSummary } from '../../cases/views/fields.js';
import type { Contact, Product } from '../register.js';
import { CONTACT_FIELDS, PRODUCT_FIELDS, type ActingOrg, type Parsed } from '../route-context.js';
import { RegisterSection } from './register-section.js';

/** What the page shows besides the register: a form sent back with its problems, or "saved". */
export interface RegisterPageState {
  form?: 'contact' | 'product';
  parsed?: Parsed;
  saved?: boolean;
}

export function RegisterPage(
  props: RegisterPageState & {
    ctx: PageContext;
    org: ActingOrg;
    contacts: readonly Contact[];
    products: readonly Product[];
  },
) {
  const { ctx, org, contacts, products } = props;
  const { t, lang } = ctx;
  const errors = props.parsed?.errors ?? new Map<string, string>();
  const valueOf = (form: 'contact' | 'product', id: string) =>
    props.form === form ? (props.parsed?.values[id] ?? '') : '';
  const summary = [...errors.entries()].map(([path, text]) => ({ href: `#f-${path}`, text }));
  return (
    <Layout ctx={ctx} title={t['register.title']}>
      <h1>{t['register.title']}</h1>
      <p class="lead">{`${t['register.lead']} ${org.orgName} (${formatOrgnr(org.orgnr)})`}</p>
      {props.saved ? (
        <Notice kind="success">
          <p>{t['register.saved']}</p>
        </Notice>
      ) : null}
      <ErrorSummary t={t} title={t['cases.errorSummary']} items={summary}>
        <p>{t['cases.notSaved']}</p>
      </ErrorSummary>
      <RegisterSection
        kind="contact"
        heading={t['register.contacts']}
        columns={[t['register.col.name'], t['register.col.address'], t['register.col.country']]}
        rows={contacts.map((c) => ({
          id: c.id,
          name: c.name,
          cells: [c.name, <span class="pre">{c.address}</span>, countryName(c.country, lang)],
        }))}
        fields={CONTACT_FIELDS}
        addLabel={t['register.addContact']}
        valueOf={(id) => valueOf('contact', id)}
        errors={errors}
        csrf={ctx.csrf ?? ''}
        lang={lang}
        t={t}
      />
      <RegisterSection
        kind="product"
        heading={t['register.products']}
        columns={[t['register.col.description'], t['register.col.classification']]}
        rows={products.map((p) => ({
          id: p.id,
          name: p.description,
          cells: [p.description, p.classification],
        }))}
        fields={PRODUCT_FIELDS}
        addLabel={t['register.addProduct']}
        valueOf={(id) => valueOf('product', id)}
        errors={errors}
        csrf={ctx.csrf ?? ''}
        lang={lang}
        t={t}
      />
    </Layout>
  );
}
