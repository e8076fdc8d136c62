import { describe, expect, it } from 'vitest';
import { chatMatches, referencedAttachments, summarizeChat } from '../../../src/recovery/chat-summary';

describe('chat summaries', () => {
  it('title, message count, last message and date, for the shapes TypingMind has used', () => {
    const chat = { chatTitle: '  Trip ', updatedAt: new Date('2026-11-01T00:00:00Z'), messages: [{ content: 'a' }, { content: [{ type: 'text', text: 'see' }, { type: 'image_url' }, { text: 'this' }] }] };
    expect(summarizeChat(chat)).toEqual({ title: 'Trip', messageCount: 2, lastMessage: 'see this', date: Date.parse('2026-11-01T00:00:00Z') });
    expect(summarizeChat({ preview: 'p', messagesArray: [{ content: 'x' }], createdAt: '2026-01-01T00:00:00.000Z' })).toMatchObject({ title: 'p', messageCount: 1, date: Date.parse('2026-01-01') });
    expect(summarizeChat(null)).toEqual({ title: '(untitled chat)', messageCount: 0, lastMessage: '', date: 0 });
    expect(summarizeChat({ messages: [{ content: 'x'.repeat(500) }] }).lastMessage.length).toBe(140);
  });

  it('search: every word, in the title or any message, ignoring case and accents', () => {
    const chat = { chatTitle: 'Ünïcodé plans', messages: [{ content: 'Book the Zebra tour' }] };
    expect(chatMatches(chat, 'unicode ZEBRA')).toBe(true);
    expect(chatMatches(chat, 'plans tour')).toBe(true);
    expect(chatMatches(chat, 'zebra giraffe')).toBe(false);
    expect(chatMatches(chat, '  ')).toBe(true);
  });

  it('attachments a chat names, and not others', () => {
    const chat = { messages: [{ content: 'see ATTACHMENT_a.png' }, { content: [{ image_url: { url: 'idb://img-12345678' } }] }] };
    expect(referencedAttachments(chat, ['ATTACHMENT_a.png', 'ATTACHMENT_img-12345678', 'ATTACHMENT_b.png', 'ATTACHMENT_ab'])).toEqual(['ATTACHMENT_a.png', 'ATTACHMENT_img-12345678']);
  });
});
