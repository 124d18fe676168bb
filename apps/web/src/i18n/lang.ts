export type Lang = 'nl' | 'en';
export const langOf = (value: string | undefined): Lang => (value === 'en' ? 'en' : 'nl');
