import { describe, expect, it } from 'vitest';
import {
  BRIDGE_CHANNEL,
  clampPanelHeight,
  normaliseOrigin,
  parseFrameMessage,
  parseLoaderMessage,
} from './bridge';

const frameWin = { name: 'frame' };
const parentWin = { name: 'parent' };
const server = 'https://chat.example.com';
const host = 'https://shop.example.org';

describe('parseFrameMessage (loader side)', () => {
  it('accepts a well-formed message from the frame window and server origin', () => {
    const msg = parseFrameMessage(
      {
        origin: server,
        source: frameWin,
        data: { channel: BRIDGE_CHANNEL, type: 'unread', count: 3 },
      },
      server,
      frameWin,
    );
    expect(msg).toEqual({ channel: BRIDGE_CHANNEL, type: 'unread', count: 3 });
  });

  it('rejects a message from another origin even if the shape is right', () => {
    expect(
      parseFrameMessage(
        {
          origin: 'https://evil.example',
          source: frameWin,
          data: { channel: BRIDGE_CHANNEL, type: 'close' },
        },
        server,
        frameWin,
      ),
    ).toBeNull();
  });

  it('rejects a message from another window with the right origin', () => {
    expect(
      parseFrameMessage(
        {
          origin: server,
          source: { other: true },
          data: { channel: BRIDGE_CHANNEL, type: 'close' },
        },
        server,
        frameWin,
      ),
    ).toBeNull();
  });

  it('rejects a missing expected window, opaque origins, foreign channels and bad payloads', () => {
    expect(
      parseFrameMessage(
        { origin: server, source: null, data: { channel: BRIDGE_CHANNEL, type: 'close' } },
        server,
        null,
      ),
    ).toBeNull();
    expect(
      parseFrameMessage(
        { origin: 'null', source: frameWin, data: { channel: BRIDGE_CHANNEL, type: 'close' } },
        'null',
        frameWin,
      ),
    ).toBeNull();
    expect(
      parseFrameMessage(
        { origin: server, source: frameWin, data: { channel: 'other', type: 'close' } },
        server,
        frameWin,
      ),
    ).toBeNull();
    expect(
      parseFrameMessage(
        {
          origin: server,
          source: frameWin,
          data: { channel: BRIDGE_CHANNEL, type: 'unread', count: -1 },
        },
        server,
        frameWin,
      ),
    ).toBeNull();
    expect(
      parseFrameMessage(
        {
          origin: server,
          source: frameWin,
          data: { channel: BRIDGE_CHANNEL, type: 'resize', height: 'x' },
        },
        server,
        frameWin,
      ),
    ).toBeNull();
    expect(
      parseFrameMessage({ origin: server, source: frameWin, data: 'close' }, server, frameWin),
    ).toBeNull();
    expect(
      parseFrameMessage(
        { origin: server, source: frameWin, data: { channel: BRIDGE_CHANNEL, type: 'eval' } },
        server,
        frameWin,
      ),
    ).toBeNull();
  });

  it('accepts the loader labels only as short non-empty strings', () => {
    const from = (data: unknown) =>
      parseFrameMessage({ origin: server, source: frameWin, data }, server, frameWin);
    const labels = { open: 'Chat öffnen', close: 'Chat schließen', title: 'Live-Chat' };
    expect(from({ channel: BRIDGE_CHANNEL, type: 'labels', ...labels, extra: 1 })).toEqual({
      channel: BRIDGE_CHANNEL,
      type: 'labels',
      ...labels,
    });
    expect(from({ channel: BRIDGE_CHANNEL, type: 'labels', ...labels, open: '' })).toBeNull();
    expect(from({ channel: BRIDGE_CHANNEL, type: 'labels', ...labels, close: 7 })).toBeNull();
    expect(
      from({ channel: BRIDGE_CHANNEL, type: 'labels', ...labels, title: 'x'.repeat(201) }),
    ).toBeNull();
  });

  it('caps an absurd unread count', () => {
    expect(
      parseFrameMessage(
        {
          origin: server,
          source: frameWin,
          data: { channel: BRIDGE_CHANNEL, type: 'unread', count: 1e6 },
        },
        server,
        frameWin,
      ),
    ).toMatchObject({ count: 999 });
  });
});

describe('parseLoaderMessage (frame side)', () => {
  it('accepts an identity token (or a sign-out) only in JWS shape, only from the host', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const msg = (token: unknown, origin = host) =>
      parseLoaderMessage(
        { origin, source: parentWin, data: { channel: BRIDGE_CHANNEL, type: 'identify', token } },
        host,
        parentWin,
      );
    expect(msg(jwt)).toEqual({ channel: BRIDGE_CHANNEL, type: 'identify', token: jwt });
    expect(msg(null)).toEqual({ channel: BRIDGE_CHANNEL, type: 'identify', token: null });
    expect(msg('not a token')).toBeNull();
    expect(msg(`${jwt}.extra`)).toBeNull();
    expect(msg('a'.repeat(9000))).toBeNull();
    expect(msg(jwt, 'https://evil.example')).toBeNull();
  });

  it('accepts open and close from the parent window on the host origin', () => {
    expect(
      parseLoaderMessage(
        { origin: host, source: parentWin, data: { channel: BRIDGE_CHANNEL, type: 'open' } },
        host,
        parentWin,
      ),
    ).toEqual({ channel: BRIDGE_CHANNEL, type: 'open' });
  });

  it('rejects messages from other origins or windows', () => {
    expect(
      parseLoaderMessage(
        {
          origin: 'https://evil.example',
          source: parentWin,
          data: { channel: BRIDGE_CHANNEL, type: 'open' },
        },
        host,
        parentWin,
      ),
    ).toBeNull();
    expect(
      parseLoaderMessage(
        { origin: host, source: frameWin, data: { channel: BRIDGE_CHANNEL, type: 'open' } },
        host,
        parentWin,
      ),
    ).toBeNull();
    expect(
      parseLoaderMessage(
        {
          origin: host,
          source: parentWin,
          data: { channel: BRIDGE_CHANNEL, type: 'unread', count: 1 },
        },
        host,
        parentWin,
      ),
    ).toBeNull();
  });
});

describe('normaliseOrigin', () => {
  it('accepts exact http(s) origins only', () => {
    expect(normaliseOrigin('https://shop.example.org')).toBe('https://shop.example.org');
    expect(normaliseOrigin('http://localhost:3000')).toBe('http://localhost:3000');
    expect(normaliseOrigin('https://shop.example.org/path')).toBeNull();
    expect(normaliseOrigin('javascript:alert(1)')).toBeNull();
    expect(normaliseOrigin('*')).toBeNull();
    expect(normaliseOrigin(null)).toBeNull();
  });
});

describe('clampPanelHeight', () => {
  it('keeps the panel between 320 px and the viewport', () => {
    expect(clampPanelHeight(100, 900)).toBe(320);
    expect(clampPanelHeight(600, 900)).toBe(600);
    expect(clampPanelHeight(2000, 900)).toBe(720);
    expect(clampPanelHeight(600, 500)).toBe(400);
  });
});
