/**
 * Bytes ⇄ text: PEP 263 declarations, lossless round trips, UTF-16 detection.
 * Every byte sequence below is written out by hand (from CPython's codecs),
 * never produced by the code under test.
 */
import * as iconv from 'iconv-lite';
import { DecodeError, decodeSource, EncodeError, encodeSource, encodeText, hasLoneCr, loneCrAsLf, pythonCodecName } from './source';

const ascii = (s: string) => Buffer.from(s, 'latin1');
const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
/** ASCII text and raw bytes, in order. */
const bytes = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? ascii(p) : p)));

// 训练脚本 = d1b5 c1b7 bdc5 b1be, 设备 = c9e8 b1b8 in GBK
const GBK_FILE = bytes('# -*- coding: gbk -*-\n# ', hex('d1b5c1b7bdc5b1be'), '\nname = "', hex('c9e8b1b8'), '"\n');

function decodeFailure(b: Buffer): string {
  try {
    decodeSource(b);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return (e as Error).message;
  }
  throw new Error('decoded');
}

describe('hasLoneCr', () => {
  it.each([
    ['', false],
    ['x = 1\n', false],
    ['x = 1\r\ny = 2\r\n', false],
    ['x = 1\ry = 2\r', true],
    ['x = 1\r\ny = 2\rz = 3\r\n', true], // after CRLF lines
    ['x = 1\r', true], // at the very end
    ['\r\n\r', true],
  ])('%j: %s', (text, expected) => {
    expect(hasLoneCr(text)).toBe(expected);
  });
});

describe('loneCrAsLf', () => {
  it.each([
    ['x = 1\r\ny = 2\r\n', 'x = 1\r\ny = 2\r\n'],
    ['x = 1\ry = 2\r', 'x = 1\ny = 2\n'],
    ['x = 1\r\ny = 2\rz = 3\r\n', 'x = 1\r\ny = 2\nz = 3\r\n'],
  ])('%j', (text, expected) => {
    expect(loneCrAsLf(text)).toBe(expected);
  });
});

describe('pythonCodecName', () => {
  it.each([
    ['utf-8', 'utf_8'],
    ['UTF8', 'utf_8'],
    ['utf_8', 'utf_8'],
    ['utf-8-sig', 'utf_8'], // the tokenizer's get_normal_name: utf-8-* is utf-8
    ['latin-1', 'latin_1'],
    ['iso-8859-1', 'latin_1'],
    ['ISO_8859-1', 'latin_1'],
    ['latin1', 'latin_1'],
    ['iso-latin-1-unix', 'latin_1'],
    ['gbk', 'gbk'],
    ['GBK', 'gbk'],
    ['cp936', 'gbk'],
    ['gb2312', 'gb2312'],
    ['euc-cn', 'gb2312'],
    ['gb18030', 'gb18030'],
    ['cp1252', 'cp1252'],
    ['windows-1252', 'cp1252'],
    ['big5', 'big5'],
    ['shift_jis', 'shift_jis'],
    ['Shift-JIS', 'shift_jis'],
    ['sjis', 'shift_jis'],
    ['euc-kr', 'euc_kr'],
    ['iso-8859-15', 'iso8859_15'],
    ['iso8859.15', 'iso8859_15'],
  ])('%s is %s', (declared, name) => {
    expect(pythonCodecName(declared)).toBe(name);
  });

  it('does not know what Python does not alias', () => {
    expect(pythonCodecName('gb-2312')).toBeUndefined();
    expect(pythonCodecName('no-such-codec')).toBeUndefined();
  });

  it('maps every codec to one iconv-lite has', () => {
    for (const d of ['latin-1', 'gbk', 'gb2312', 'gb18030', 'big5', 'cp950', 'big5hkscs', 'shift_jis', 'cp932', 'euc_jp', 'euc_kr', 'cp949', 'koi8_r', 'koi8_u', 'cp437', 'cp850', 'cp866', 'cp874', 'mac_roman', 'cp1250', 'cp1251', 'cp1252', 'cp1253', 'cp1254', 'cp1255', 'cp1256', 'cp1257', 'cp1258', 'iso8859_2', 'iso8859_5', 'iso8859_7', 'iso8859_9', 'iso8859_15']) {
      const name = pythonCodecName(d);
      expect(name).toBeDefined();
      expect(() => encodeText('x = 1\n', name!)).not.toThrow();
      expect(encodeText('x = 1\n', name!)).toEqual(ascii('x = 1\n'));
    }
  });
});

describe('decodeSource', () => {
  it('decodes a GBK file and writes it back byte for byte', () => {
    const d = decodeSource(GBK_FILE);
    expect(d).toEqual({ text: '# -*- coding: gbk -*-\n# 训练脚本\nname = "设备"\n', bom: false, eol: '\n', encoding: 'gbk' });
    expect(encodeSource(d.text, d)).toEqual(GBK_FILE);
    expect(encodeSource(d.text.replace('name', 'device_name'), d)).toEqual(
      bytes('# -*- coding: gbk -*-\n# ', hex('d1b5c1b7bdc5b1be'), '\ndevice_name = "', hex('c9e8b1b8'), '"\n'),
    );
  });

  it('reads the declaration on line 2 after a shebang, with CRLF', () => {
    const file = bytes('#!/usr/bin/env python\r\n# vim: set fileencoding=gbk :\r\n# ', hex('d6d0cec4d7a2cacd'), '\r\n');
    expect(decodeSource(file)).toEqual({
      text: '#!/usr/bin/env python\r\n# vim: set fileencoding=gbk :\r\n# 中文注释\r\n',
      bom: false,
      eol: '\r\n',
      encoding: 'gbk',
    });
  });

  it('ignores a declaration on line 2 when line 1 is code, as CPython does', () => {
    const file = bytes('x = 1\n# coding: gbk\n# ', hex('d6d0'), '\n');
    expect(decodeFailure(file)).toBe('not valid UTF-8');
  });

  it('decodes cp1252 and latin-1 the way Python does (0x80 is the euro sign only in cp1252)', () => {
    const cp = bytes('# coding: cp1252\ns = "caf', hex('e9'), ' ', hex('80'), '"\n');
    expect(decodeSource(cp)).toMatchObject({ text: '# coding: cp1252\ns = "café €"\n', encoding: 'cp1252' });
    expect(encodeSource('# coding: cp1252\ns = "café €"\n', { bom: false, encoding: 'cp1252' })).toEqual(cp);
    const latin = bytes('# -*- coding: latin-1 -*-\ns = "na', hex('ef'), 've ', hex('80'), '"\n');
    expect(decodeSource(latin)).toMatchObject({ text: '# -*- coding: latin-1 -*-\ns = "naïve \u0080"\n', encoding: 'latin_1' });
    expect(encodeSource(decodeSource(latin).text, { bom: false, encoding: 'latin_1' })).toEqual(latin);
  });

  it('decodes Shift_JIS, Big5 and EUC-KR', () => {
    expect(decodeSource(bytes('# coding: shift_jis\n# ', hex('93fa967b8cea'), '\n')).text).toBe('# coding: shift_jis\n# 日本語\n');
    expect(decodeSource(bytes('# coding: big5\n# ', hex('c163c5e9'), '\n')).text).toBe('# coding: big5\n# 繁體\n');
    expect(decodeSource(bytes('# coding: euc-kr\n# ', hex('c7d1b1b9beee'), '\n')).text).toBe('# coding: euc-kr\n# 한국어\n');
  });

  it('fails a GBK file that declares UTF-8', () => {
    const file = bytes('# -*- coding: utf-8 -*-\n# ', hex('d1b5c1b7'), '\n');
    expect(decodeFailure(file)).toBe('declares PEP 263 encoding "utf-8" but is not valid UTF-8');
  });

  it('fails a file that is not valid in its declared codec', () => {
    // 0xff is no GBK lead byte (CPython: 'gbk' codec can't decode byte 0xff)
    expect(decodeFailure(bytes('# coding: gbk\n\n# ', hex('ff41'), '\n'))).toBe(
      'declares PEP 263 encoding "gbk" but is not lossless gbk (line 3 is not valid gbk or does not encode back to the same bytes)',
    );
  });

  it('fails a file that does not survive the round trip', () => {
    // in cp1252, 0x81 is undefined (CPython raises)
    expect(decodeFailure(bytes('# coding: cp1252\r\n# ', hex('81'), '\r\n'))).toBe(
      'declares PEP 263 encoding "cp1252" but is not lossless cp1252 (line 2 is not valid cp1252 or does not encode back to the same bytes)',
    );
  });

  it('fails an unknown codec and one ascendify does not convert, naming it', () => {
    expect(decodeFailure(ascii('# coding: klingon\nx = 1\n'))).toBe(
      'declares PEP 263 encoding "klingon", which ascendify does not know (Python would reject an unknown encoding too)',
    );
    expect(decodeFailure(ascii('# coding: iso2022_jp\nx = 1\n'))).toBe(
      'declares PEP 263 encoding "iso2022_jp", which is not a stateless ASCII-compatible codec ascendify converts',
    );
  });

  it('fails a UTF-8 BOM with a non-UTF-8 declaration, as Python does, and accepts it with utf-8', () => {
    expect(decodeFailure(bytes(hex('efbbbf'), '# coding: gbk\nx = 1\n'))).toBe(
      'declares PEP 263 encoding "gbk" after a UTF-8 byte-order mark (Python rejects this: encoding problem)',
    );
    expect(decodeSource(bytes(hex('efbbbf'), '# coding: utf-8\nx = "', hex('c3a9'), '"\n'))).toEqual({
      text: '# coding: utf-8\nx = "é"\n',
      bom: true,
      eol: '\n',
      encoding: 'utf_8',
    });
  });

  it('keeps "not valid UTF-8" for an undeclared file', () => {
    expect(decodeFailure(bytes('s = "caf', hex('e9'), '"\n'))).toBe('not valid UTF-8');
  });

  it('calls UTF-16 and UTF-32 text by its name, not binary', () => {
    const le = Buffer.from('\ufeffimport torch\n', 'utf16le');
    expect(decodeFailure(le)).toBe('UTF-16 encoded; Python reads source as UTF-8 or a PEP 263 ASCII-compatible encoding');
    const be = Buffer.from(le).swap16();
    expect(decodeFailure(be)).toBe('UTF-16 encoded; Python reads source as UTF-8 or a PEP 263 ASCII-compatible encoding');
    expect(decodeFailure(Buffer.from('import torch\nx = 1\n', 'utf16le'))).toBe(
      'UTF-16 encoded; Python reads source as UTF-8 or a PEP 263 ASCII-compatible encoding',
    );
    expect(decodeFailure(Buffer.from('import torch\nx = 1\n', 'utf16le').swap16())).toBe('UTF-16 encoded; Python reads source as UTF-8 or a PEP 263 ASCII-compatible encoding');
    expect(decodeFailure(hex('fffe0000 69000000'))).toBe('UTF-32 encoded; Python reads source as UTF-8 or a PEP 263 ASCII-compatible encoding');
    expect(decodeFailure(bytes('import torch', hex('0001'), 'torch.cuda'))).toBe('binary file (contains NUL bytes)');
  });
});

describe('encodeSource', () => {
  it('refuses text the codec cannot hold, naming the line', () => {
    expect(() => encodeSource('# coding: latin-1\nx = 1\ny = "设"\n', { bom: false, encoding: 'latin_1' })).toThrow(EncodeError);
    expect(() => encodeSource('# coding: latin-1\nx = 1\ny = "设"\n', { bom: false, encoding: 'latin_1' })).toThrow(
      'the converted text cannot be written in latin_1 (line 3 of the output: "设")',
    );
  });

  it('restores a UTF-8 BOM', () => {
    expect(encodeSource('x = "é"\n', { bom: true, encoding: 'utf_8' })).toEqual(bytes(hex('efbbbf'), 'x = "', hex('c3a9'), '"\n'));
  });

  it('iconv-lite writes ASCII as ASCII in every codec used (the patch relies on it)', () => {
    const all = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');
    for (const c of ['gbk', 'gb18030', 'big5', 'shift_jis', 'cp932', 'euc-kr', 'cp1252', 'latin1']) {
      expect(iconv.encode(all, c)).toEqual(Buffer.from(all, 'latin1'));
    }
  });
});
