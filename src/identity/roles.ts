/** The roles a person can hold: in an organisation (membership) and at the agency (staff). */
export type MembershipRole = 'user' | 'org_admin';
export type StaffRole = 'case_officer' | 'admin';
