import { demoId } from '@omni/db';

export interface DemoLocation {
  id: string;
  key: string;
  name: string;
  kind: 'STORE' | 'WAREHOUSE';
  city: string;
  street: string;
  postalCode: string;
  countryCode: string;
  pickupEnabled: boolean;
}

const location = (ordinal: number, fields: Omit<DemoLocation, 'id'>): DemoLocation => ({
  id: demoId('loc', fields.key, ordinal),
  ...fields,
});

export const DEMO_LOCATIONS: readonly DemoLocation[] = [
  location(1, { key: 'berlin-mitte', name: 'Berlin Mitte', kind: 'STORE', city: 'Berlin', street: 'Rosenthaler Str. 40', postalCode: '10178', countryCode: 'DE', pickupEnabled: true }),
  location(2, { key: 'hamburg-altona', name: 'Hamburg Altona', kind: 'STORE', city: 'Hamburg', street: 'Ottenser Hauptstr. 10', postalCode: '22765', countryCode: 'DE', pickupEnabled: true }),
  location(3, { key: 'munich-center', name: 'Munich Center', kind: 'STORE', city: 'Munich', street: 'Kaufingerstr. 5', postalCode: '80331', countryCode: 'DE', pickupEnabled: true }),
  location(4, { key: 'cologne-outlet', name: 'Cologne Outlet', kind: 'STORE', city: 'Cologne', street: 'Hohe Str. 77', postalCode: '50667', countryCode: 'DE', pickupEnabled: false }),
  location(5, { key: 'leipzig-warehouse', name: 'Leipzig Warehouse', kind: 'WAREHOUSE', city: 'Leipzig', street: 'Logistikring 1', postalCode: '04435', countryCode: 'DE', pickupEnabled: false }),
];

export function demoLocation(key: string): DemoLocation {
  const found = DEMO_LOCATIONS.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`No demo location ${key}`);
  return found;
}
