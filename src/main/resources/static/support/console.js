// Mail Gateway support console. Plain JavaScript over the JSON API; every value from a message is put into the
// page as text (textContent), never as HTML.
(function () {
  'use strict';

  const KEY = 'mailGatewaySupportKey';
  const PAGE = 25;
  const $ = (id) => document.getElementById(id);
  let offset = 0;
  let currentId = null;

  function key() { return sessionStorage.getItem(KEY); }

  async function api(method, path, body) {
    const headers = { 'Authorization': 'Bearer ' + key() };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401) { signOut('Your key was not accepted. Sign in again.'); throw new Error('unauthorized'); }
    const data = response.headers.get('Content-Type') && response.headers.get('Content-Type').startsWith('application/json')
      ? await response.json() : null;
    if (!response.ok) {
      const details = data && data.details && data.details.length
        ? ': ' + data.details.map((d) => d.field + ' ' + d.message).join('; ') : '';
      throw new Error((data && data.message ? data.message : 'HTTP ' + response.status) + details);
    }
    return data;
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function time(iso) { return iso ? new Date(iso).toLocaleString() : ''; }

  function show(view) {
    for (const id of ['sign-in', 'list-view', 'detail-view']) { $(id).hidden = id !== view; }
    $('sign-out').hidden = view === 'sign-in';
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    $('sign-in-error').textContent = message || '';
    show('sign-in');
  }

  // filters <-> query string of the API
  function filters() {
    const params = new URLSearchParams();
    for (const input of $('filters').querySelectorAll('input, select')) {
      if (!input.value) { continue; }
      params.set(input.name, input.type === 'datetime-local' ? new Date(input.value).toISOString() : input.value.trim());
    }
    return params;
  }

  let listRequest = 0;

  async function loadList() {
    // only the newest request may draw the list: an older, slower answer must not overwrite it
    const request = ++listRequest;
    $('list-message').textContent = '';
    const params = filters();
    params.set('limit', PAGE);
    params.set('offset', offset);
    let page;
    try {
      page = await api('GET', '/api/v1/dead-letters?' + params);
    } catch (e) {
      if (request === listRequest) {
        $('list-message').textContent = e.message;
      }
      return;
    }
    if (request !== listRequest) {
      return;
    }
    const rows = $('dead-letters').querySelector('tbody');
    rows.replaceChildren();
    for (const item of page.items) {
      const tr = el('tr');
      tr.dataset.id = item.id;
      tr.append(el('td', time(item.createdAt)), el('td', item.tenantId), el('td', (item.recipients || []).join(', ')),
        el('td', item.subject, 'subject'), el('td'), el('td', item.hint, 'hint'), el('td', item.attempts), el('td'));
      tr.children[4].append(el('span', item.category, 'tag'));
      tr.children[7].append(el('span', item.status, 'tag ' + item.status));
      tr.addEventListener('click', () => openDetail(item.id));
      rows.append(tr);
    }
    $('empty').hidden = page.items.length > 0;
    const counts = $('counts');
    counts.replaceChildren();
    for (const [category, n] of Object.entries(page.countsByCategory || {})) {
      const chip = el('button', category);
      chip.type = 'button';
      chip.append(el('b', n));
      chip.addEventListener('click', () => { $('f-category').value = category; offset = 0; loadList(); });
      counts.append(chip);
    }
    $('page-info').textContent = page.total === 0 ? '' :
      (page.offset + 1) + '–' + (page.offset + page.items.length) + ' of ' + page.total;
    $('prev').disabled = page.offset === 0;
    $('next').disabled = page.offset + page.items.length >= page.total;
  }

  function pairs(dl, entries) {
    dl.replaceChildren();
    for (const [name, value] of entries) {
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) { continue; }
      dl.append(el('dt', name), el('dd', Array.isArray(value) ? value.join(', ') : value));
    }
  }

  async function openDetail(id) {
    currentId = id;
    $('detail-message').textContent = '';
    let d;
    try {
      d = await api('GET', '/api/v1/dead-letters/' + encodeURIComponent(id));
    } catch (e) {
      $('list-message').textContent = e.message;
      return;
    }
    show('detail-view');
    $('d-subject').textContent = d.request.subject || '(no subject)';
    pairs($('d-summary'), [['Status', d.status], ['Message status', d.messageStatus], ['Tenant', d.tenantId],
      ['Route', d.route], ['Category', d.category], ['Attempts', d.attempts], ['Dead-lettered', time(d.createdAt)],
      ['Retried', d.retriedAt ? time(d.retriedAt) + ' by ' + d.retriedBy + ' (attempt ' + d.retryAttempt + ')' : null],
      ['Discarded', d.discardedAt ? time(d.discardedAt) + ' by ' + d.discardedBy + ': ' + d.discardReason : null],
      ['Message id', d.messageId], ['Dead letter id', d.id]]);
    $('d-hint').textContent = d.hint || '';
    $('d-reply').textContent = d.providerReply || '';
    pairs($('d-request'), [['From', d.request.from], ['To', d.request.to], ['Cc', d.request.cc], ['Bcc', d.request.bcc],
      ['Reply-To', d.request.replyTo], ['Subject', d.request.subject]]);
    $('d-text').textContent = d.request.text || '(none)';
    $('d-html').textContent = d.request.html || '(none)';
    const attachments = $('d-attachments');
    attachments.replaceChildren();
    for (const a of d.request.attachments) {
      const li = el('li');
      const link = el('button', a.filename, 'link');
      link.addEventListener('click', () => download(a));
      li.append(link, el('span', ' ' + a.contentType + ', ' + a.size.toLocaleString() + ' bytes'));
      attachments.append(li);
    }
    if (!d.request.attachments.length) { attachments.append(el('li', 'none')); }
    pairs($('d-settings'), Object.entries(d.settingsAtFailure || {}));
    const attempts = $('d-attempts').querySelector('tbody');
    attempts.replaceChildren();
    for (const a of d.attemptLog) {
      const tr = el('tr');
      tr.append(el('td', a.attempt), el('td', time(a.at)), el('td', a.route), el('td', a.outcome), el('td', a.category),
        el('td', a.providerReply));
      attempts.append(tr);
    }
    const audit = $('d-audit').querySelector('tbody');
    audit.replaceChildren();
    for (const a of d.audit) {
      const tr = el('tr');
      tr.append(el('td', time(a.at)), el('td', a.actor), el('td', a.action), el('td', a.detail));
      audit.append(tr);
    }
    if (!d.audit.length) { const tr = el('tr'); tr.append(el('td', 'No actions yet.')); audit.append(tr); }
    $('retry').disabled = d.status !== 'NEW';
    $('discard').disabled = d.status !== 'NEW';
  }

  async function download(attachment) {
    const response = await fetch(attachment.download, { headers: { 'Authorization': 'Bearer ' + key() } });
    if (!response.ok) { $('detail-message').textContent = 'Download failed: HTTP ' + response.status; return; }
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = attachment.filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  async function act(label, call) {
    try {
      const result = await call();
      $('detail-message').textContent = label + ' done.';
      await openDetail(currentId);
      $('detail-message').textContent = label + ' done.';
      return result;
    } catch (e) {
      $('detail-message').textContent = label + ' failed: ' + e.message;
    }
  }

  function bulkBody(reason) {
    const body = {};
    for (const [name, value] of filters()) { if (name !== 'status') { body[name] = value; } }
    if (reason) { body.reason = reason; }
    return body;
  }

  async function bulk(action) {
    const total = (await api('GET', '/api/v1/dead-letters?limit=1&' + new URLSearchParams({ ...bulkBody(), status: 'NEW' }))).total;
    if (total === 0) { $('list-message').textContent = 'No NEW dead letters match these filters.'; return; }
    let reason;
    if (action === 'discard') {
      reason = prompt('Discard ' + total + ' dead letters that match these filters? They stay visible. Reason:');
      if (!reason) { return; }
    } else if (!confirm('Retry ' + total + ' dead letters that match these filters with the tenants\' current settings?')) {
      return;
    }
    try {
      const result = await api('POST', '/api/v1/dead-letters/' + action, bulkBody(reason));
      const failed = result.failed.length ? ' ' + result.failed.length + ' could not be changed: ' +
        result.failed.map((f) => f.id + ' (' + f.error + ')').join(', ') : '';
      await loadList();
      $('list-message').textContent = (action === 'retry' ? 'Retried ' : 'Discarded ') + result.count + ' of ' + result.matched + '.' + failed;
    } catch (e) {
      $('list-message').textContent = e.message;
    }
  }

  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('api-key').value.trim());
    $('api-key').value = '';
    try {
      await api('GET', '/api/v1/dead-letters?limit=1');
      show('list-view');
      offset = 0;
      await loadList();
    } catch (e) {
      if (e.message !== 'unauthorized') { signOut(e.message.includes('role') ? 'This key may not review dead letters: use a SUPPORT key.' : e.message); }
    }
  });
  $('sign-out').addEventListener('click', () => signOut(''));
  $('filters').addEventListener('submit', (event) => { event.preventDefault(); offset = 0; loadList(); });
  $('prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); loadList(); });
  $('next').addEventListener('click', () => { offset += PAGE; loadList(); });
  $('back').addEventListener('click', () => { show('list-view'); loadList(); });
  $('retry').addEventListener('click', () => {
    if (confirm('Retry this message with the tenant\'s current settings?')) {
      act('Retry', () => api('POST', '/api/v1/dead-letters/' + encodeURIComponent(currentId) + '/retry'));
    }
  });
  $('discard').addEventListener('click', () => {
    const reason = prompt('Why is this message discarded? (It stays visible.)');
    if (reason) { act('Discard', () => api('POST', '/api/v1/dead-letters/' + encodeURIComponent(currentId) + '/discard', { reason })); }
  });
  $('bulk-retry').addEventListener('click', () => bulk('retry'));
  $('bulk-discard').addEventListener('click', () => bulk('discard'));

  if (key()) { show('list-view'); loadList(); } else { show('sign-in'); }
})();
