"""The page's own scripts: clicked citations, the question box (emptied on send, a counter), confirmations.

Plain strings handed to Gradio's ``js=`` hooks; they talk to the server only through
components (a hidden textbox, event inputs).
"""
from __future__ import annotations

SCROLL_JS = """() => { const el = document.querySelector('#pq-sources .pq-active');
  if (el) el.scrollIntoView({block: 'nearest', behavior: 'smooth'}); }"""
# the box is emptied in the browser when its question is sent, never by the server: a question typed
# while the previous one is answered stays in the box and is sent next (trigger_mode="always_last").
# Only the question being sent is cleared: one typed since the send was pressed stays.
TAKE_QUESTION_JS = """(q, ...rest) => { const t = document.querySelector('#pq-question textarea');
  if (t && q && q.trim() && q.length <= MAX_CHARS && t.value === q) { t.value = ''; t.dispatchEvent(new Event('input', {bubbles: true})); }
  return [q, ...rest]; }"""
# a click on a marker [n] (in an answer or in the source panel) opens the document viewer
CITE_JS = """() => { if (window.pqCite) return; window.pqCite = true;
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[href^="#pq-cite-"]');
    if (!a) return;
    e.preventDefault(); e.stopPropagation();
    const n = a.getAttribute('href').slice(9);
    const row = a.closest('#pq-chat .message-row');
    const bots = [...document.querySelectorAll('#pq-chat .message-row')].filter(r => r.querySelector('[data-testid=bot]'));
    const turn = row ? bots.indexOf(row) : 'p';
    const box = document.querySelector('#pq-cite-target textarea');
    if (!box) return;
    box.value = turn + ':' + n + ':' + Date.now();
    box.dispatchEvent(new Event('input', {bubbles: true}));
  }, true);
  const count = () => { const t = document.querySelector('#pq-question textarea'); if (!t) return;
    let c = document.querySelector('#pq-count');
    if (!c) { c = document.createElement('span'); c.id = 'pq-count'; t.parentElement.appendChild(c); }
    c.textContent = t.value.length + ' / ' + t.maxLength + ' 字'; };
  document.addEventListener('input', (e) => { if (e.target.closest && e.target.closest('#pq-question')) count(); }, true);
  setInterval(count, 1000); }"""
SHOW_LINES_JS = """() => { setTimeout(() => { const box = document.querySelector('#pq-lines');
  const line = box && box.querySelector('.pq-cited');
  if (line) box.scrollTop = line.offsetTop - box.offsetTop - box.clientHeight / 3;
  // on a phone the viewer sits below the chat: bring it into sight
  const viewer = document.querySelector('#pq-right');
  if (viewer && window.innerWidth < 768) viewer.scrollIntoView({block: 'start'}); }, 100); }"""
CONFIRM_REMOVE_JS = """(ids) => [(ids && ids.length && !confirm('确定从知识库删除所选文档？')) ? [] : ids]"""
