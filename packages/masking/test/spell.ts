// How speakers of the seven supported languages write numbers: shared by the number-word tests.
export type Lang = 'en' | 'fr' | 'es' | 'de' | 'it' | 'pt' | 'nl';
export const UNITS: Record<Lang, readonly string[]> = {
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
  fr: ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf'],
  es: ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'],
  de: ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun'],
  it: ['zero', 'uno', 'due', 'tre', 'quattro', 'cinque', 'sei', 'sette', 'otto', 'nove'],
  pt: ['zero', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove'],
  nl: ['nul', 'een', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen'],
};
// 10-19
export const TEENS: Record<Lang, readonly string[]> = {
  en: 'ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(' '),
  fr: 'dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf'.split(' '),
  es: 'diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve'.split(' '),
  de: 'zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn'.split(' '),
  it: 'dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove'.split(
    ' ',
  ),
  pt: 'dez onze doze treze catorze quinze dezesseis dezessete dezoito dezenove'.split(' '),
  nl: 'tien elf twaalf dertien veertien vijftien zestien zeventien achttien negentien'.split(' '),
};
// 20, 30 … 90 (index 2-9)
export const TENS: Record<Lang, readonly string[]> = {
  en: ',,twenty thirty forty fifty sixty seventy eighty ninety'.split(/[ ,]/),
  fr: ',,vingt trente quarante cinquante soixante soixante-dix quatre-vingts quatre-vingt-dix'.split(
    /[ ,]/,
  ),
  es: ',,veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa'.split(/[ ,]/),
  de: ',,zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig'.split(/[ ,]/),
  it: ',,venti trenta quaranta cinquanta sessanta settanta ottanta novanta'.split(/[ ,]/),
  pt: ',,vinte trinta quarenta cinquenta sessenta setenta oitenta noventa'.split(/[ ,]/),
  nl: ',,twintig dertig veertig vijftig zestig zeventig tachtig negentig'.split(/[ ,]/),
};
export const LANGS = Object.keys(UNITS) as Lang[];

/** How a speaker of `lang` writes the number 10-99, parts joined by `j` where the language has a break. */
export function spell(lang: Lang, n: number, j: string): string {
  const a = Math.floor(n / 10);
  const b = n % 10;
  const u = UNITS[lang];
  if (a === 1) return (TEENS[lang][b] ?? '').replace('-', j);
  const tens = TENS[lang][a] ?? '';
  if (b === 0) return tens.replaceAll('-', j);
  switch (lang) {
    case 'en':
      return `${tens}${j}${u[b]}`;
    case 'fr':
      if (a === 7 || a === 9) {
        const base = a === 7 ? 'soixante' : 'quatre-vingt';
        const teen = (TEENS.fr[b] ?? '').replace('-', j);
        return `${base.replace('-', j)}${a === 7 && b === 1 ? `${j}et${j}` : j}${teen}`;
      }
      if (a === 8) return `quatre${j}vingt${j}${u[b]}`;
      return `${tens}${b === 1 ? `${j}et${j}` : j}${u[b]}`;
    case 'es':
      return a === 2
        ? `veinti${u[b]}`
        : `${tens}${j === '' ? '' : ' '}y${j === '' ? '' : ' '}${u[b]}`;
    case 'de':
      return `${b === 1 ? 'ein' : u[b]}${j}und${j}${tens}`;
    case 'it':
      return b === 1 || b === 8 ? `${tens.slice(0, -1)}${u[b]}` : `${tens}${u[b]}`;
    case 'pt':
      return `${tens}${j === '' ? '' : ' '}e${j === '' ? '' : ' '}${u[b]}`;
    case 'nl': {
      const unit = u[b] ?? '';
      return `${unit}${unit.endsWith('e') ? 'ën' : 'en'}${tens}`;
    }
  }
}

/** How a speaker of `lang` writes 1-9999 ("quatre mille deux cent quarante-deux"), word breaks as `j`. */
export function spellBig(lang: Lang, n: number, j: string): string {
  const th = Math.floor(n / 1000);
  const h = Math.floor(n / 100) % 10;
  const rest = n % 100;
  const u = UNITS[lang];
  const below = rest === 0 ? '' : rest < 10 ? (u[rest] ?? '') : spell(lang, rest, j);
  const parts: string[] = [];
  const tight = lang === 'de' || lang === 'it' || lang === 'nl' ? '' : j;
  if (th > 0) parts.push(thousands(lang, th, tight));
  if (h > 0) parts.push(hundreds(lang, h, rest, tight));
  if (below !== '') {
    if (lang === 'pt' && parts.length > 0) parts.push('e');
    if (lang === 'en' && h > 0 && j === ' ') parts.push('and');
    parts.push(lang === 'de' && rest === 1 ? 'eins' : below);
  }
  return parts.join(tight === '' && j !== ' ' ? '' : j);
}

function thousands(lang: Lang, th: number, j: string): string {
  const u = UNITS[lang][th] ?? '';
  switch (lang) {
    case 'en':
      return `${u}${j}thousand`;
    case 'fr':
      return th === 1 ? 'mille' : `${u}${j}mille`;
    case 'es':
    case 'pt':
      return th === 1 ? 'mil' : `${u}${j}mil`;
    case 'de':
      return `${th === 1 ? 'ein' : u}tausend`;
    case 'it':
      return th === 1 ? 'mille' : `${u}mila`;
    case 'nl':
      return th === 1 ? 'duizend' : `${u}duizend`;
  }
}

const ES_H =
  ',ciento,doscientos,trescientos,cuatrocientos,quinientos,seiscientos,setecientos,ochocientos,novecientos'.split(
    ',',
  );
const PT_H =
  ',cento,duzentos,trezentos,quatrocentos,quinhentos,seiscentos,setecentos,oitocentos,novecentos'.split(
    ',',
  );

function hundreds(lang: Lang, h: number, rest: number, j: string): string {
  const u = UNITS[lang][h] ?? '';
  switch (lang) {
    case 'en':
      return `${u}${j}hundred`;
    case 'fr':
      return h === 1 ? 'cent' : `${u}${j}cent${rest === 0 ? 's' : ''}`;
    case 'es':
      return h === 1 && rest === 0 ? 'cien' : (ES_H[h] ?? '');
    case 'pt':
      return h === 1 && rest === 0 ? 'cem' : (PT_H[h] ?? '');
    case 'de':
      return `${h === 1 ? 'ein' : u}hundert`;
    case 'it':
      return h === 1 ? 'cento' : `${u}cento`;
    case 'nl':
      return h === 1 ? 'honderd' : `${u}honderd`;
  }
}
