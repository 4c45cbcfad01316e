/**
 * RFC 8621 4.1.2.6 Date form: an RFC 5322 section 3.3 date-time (with the obsolete forms of section 4.3),
 * returned as an RFC 3339 date-time that keeps the message's own offset, or null if it does not parse.
 */
import { tokenize, tokenText } from './header-tokens.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
// RFC 5322 4.3 obs-zone. Military single letters and unknown alphabetic zones mean -0000 (no offset known).
const ZONES: Record<string, number> = {
  ut: 0,
  gmt: 0,
  z: 0,
  est: -5,
  edt: -4,
  cst: -6,
  cdt: -5,
  mst: -7,
  mdt: -6,
  pst: -8,
  pdt: -7,
};

const DATE_TIME =
  /^(?:([a-z]+)\s*,\s*)?(\d{1,2})\s*([a-z]+)\s*(\d{2,4})\s+(\d{1,2})\s*:\s*(\d{1,2})(?:\s*:\s*(\d{1,2}))?\s*([+-]\d{4}|[a-z]{1,5})$/i;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function zoneMinutes(zone: string): number | null {
  if (/^[+-]\d{4}$/.test(zone)) {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(3, 5));
    if (minutes > 59) return null;
    return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const known = ZONES[zone.toLowerCase()];
  return known === undefined ? 0 : known * 60;
}

function fullYear(digits: string): number {
  const y = Number(digits);
  if (digits.length === 4) return y;
  // RFC 5322 4.3 obs-year: two digits are 1950-2049; three digits add 1900.
  if (digits.length === 2) return y < 50 ? 2000 + y : 1900 + y;
  return 1900 + y;
}

function formatOffset(minutes: number): string {
  if (minutes === 0) return 'Z';
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function parseDate(value: string): string | null {
  const text = tokenize(value)
    .filter((t) => t.kind !== 'comment')
    .map((t) => (t.kind === 'space' ? ' ' : tokenText(t)))
    .join('')
    .trim();
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, dow, dayS, monS, yearS, hourS, minS, secS, zone] = m;
  if (dow && !DAYS.includes(dow.toLowerCase().slice(0, 3))) return null;
  const month = MONTHS.indexOf(monS.toLowerCase().slice(0, 3));
  const [day, hour, minute, second] = [dayS, hourS, minS, secS ?? '0'].map(Number);
  const year = fullYear(yearS);
  const offset = zoneMinutes(zone);
  if (month === -1 || monS.length > 3 || offset === null) return null;
  if (day < 1 || day > new Date(Date.UTC(year, month + 1, 0)).getUTCDate()) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  return `${pad(year, 4)}-${pad(month + 1)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${formatOffset(offset)}`;
}
