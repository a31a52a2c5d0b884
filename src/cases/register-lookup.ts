/**
 * What filing a case reads of the organisation's register (contacts and products to fill a
 * step with). The organisation feature (organisation/register.ts) owns the register and
 * provides this; cases depends only on this port, so the dependency points one way.
 */
export interface Contact {
  id: string;
  name: string;
  address: string;
  country: string;
}

export interface Product {
  id: string;
  description: string;
  classification: string;
}

export interface RegisterLookup {
  contacts(orgnr: string): Promise<Contact[]>;
  products(orgnr: string): Promise<Product[]>;
}
