-- Next-edit suggestions: when an edit settles, lode/nextEdits proposes the
-- edits that follow from it (the other uses of a renamed name, the calls
-- of a function that gained a parameter...). They are shown where they
-- apply: the replaced text highlighted (LodeNextEditDelete), the new text
-- as virtual text (LodeNextEdit) and a sign; when the first one is off
-- screen or in another file, a hint at the end of the cursor's line says
-- where (LodeNextEditHint). jump moves to it, accept applies it (with
-- vim.lsp.util.apply_workspace_edit, other files included) and asks for
-- the next ones, dismiss hides them. An answer for a version of the
-- document the buffer no longer holds is dropped.
local M = {}

local compat = require('lode.compat')
local keys = require('lode.keys')
local ns = vim.api.nvim_create_namespace('lode.nextedit')
local has_inline = vim.fn.has('nvim-0.10') == 1

-- The suggestion on screen, one at a time: { client, origin (bufnr),
-- cursor ({row, col} of the request), edits (lode's NextEdit list),
-- target (index of the edit jumped to) }.
local current
-- The request in flight: { client, id, seq }; seq numbers the requests.
local inflight
local seq = 0
-- The buffers lode is attached to: bufnr -> { client, seen (the
-- changedtick of the last change handled, or of our own last edit) }.
local buffers = {}
local timer

local function config()
  return require('lode').config.next_edit or {}
end

-- buf_of returns the loaded buffer of uri, or nil.
local function buf_of(uri)
  local name = vim.uri_to_fname(uri)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.api.nvim_buf_get_name(b) == name then
      return b
    end
  end
  return nil
end

-- byte_range returns the edit's range in bufnr as 0-based rows and byte
-- columns, or nil when the buffer no longer has those lines.
local function byte_range(bufnr, range, enc)
  local sl = vim.api.nvim_buf_get_lines(bufnr, range.start.line, range.start.line + 1, false)[1]
  local el = vim.api.nvim_buf_get_lines(bufnr, range['end'].line, range['end'].line + 1, false)[1]
  if not sl or not el then
    return nil
  end
  return range.start.line, compat.byte_index(sl, range.start.character, enc), range['end'].line, compat.byte_index(el, range['end'].character, enc)
end

local function clear_marks()
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then
      vim.api.nvim_buf_clear_namespace(b, ns, 0, -1)
    end
  end
end

-- one_line shows text on one line.
local function one_line(text)
  return (text:gsub('\n', '⏎'))
end

-- where names the place of edit e for the hint: "line N" in the current
-- buffer, else "FILE:N".
local function where(e)
  local line = e.range.start.line + 1
  if buf_of(e.uri) == vim.api.nvim_get_current_buf() then
    return 'line ' .. line
  end
  return vim.fn.fnamemodify(vim.uri_to_fname(e.uri), ':~:.') .. ':' .. line
end

local function render()
  clear_marks()
  if not current then
    return
  end
  local enc = current.client.offset_encoding
  local first_visible = false
  for i, e in ipairs(current.edits) do
    local b = buf_of(e.uri)
    local sr, sc, er, ec
    if b then
      sr, sc, er, ec = byte_range(b, e.range, enc)
    end
    if sr then
      local mark = { sign_text = '→', sign_hl_group = 'LodeNextEditSign' }
      if sr ~= er or sc ~= ec then
        mark.end_row, mark.end_col, mark.hl_group = er, ec, 'LodeNextEditDelete'
      end
      vim.api.nvim_buf_set_extmark(b, ns, sr, sc, mark)
      local text = one_line(e.newText)
      if has_inline then
        vim.api.nvim_buf_set_extmark(b, ns, er, ec, { virt_text = { { text, 'LodeNextEdit' } }, virt_text_pos = 'inline' })
      else
        vim.api.nvim_buf_set_extmark(b, ns, er, 0, { virt_text = { { ' → ' .. text, 'LodeNextEdit' } }, virt_text_pos = 'eol' })
      end
      if i == (current.target or 1) and b == vim.api.nvim_get_current_buf() then
        first_visible = sr + 1 >= vim.fn.line('w0') and sr + 1 <= vim.fn.line('w$')
      end
    end
  end
  if not first_visible then
    local row = vim.api.nvim_win_get_cursor(0)[1] - 1
    local e = current.edits[current.target or 1]
    vim.api.nvim_buf_set_extmark(0, ns, row, 0, {
      virt_text = { { '  ⇥ next edit: ' .. where(e), 'LodeNextEditHint' } },
      virt_text_pos = 'eol',
    })
  end
end

local function cancel()
  if inflight then
    compat.cancel(inflight.client, inflight.id)
  end
  inflight = nil
end

-- pending reports whether a suggestion is shown.
function M.pending()
  return current ~= nil
end

-- suggestion returns the edits shown (lode's NextEdit list) and the
-- index of the one jumped to, or nil.
function M.suggestion()
  if not current then
    return nil
  end
  return current.edits, current.target
end

-- dismiss hides the suggestion; it returns false when none was shown.
function M.dismiss()
  cancel()
  if not current then
    return false
  end
  current = nil
  render()
  return true
end

local function on_result(bufnr, version, cursor, client, my, rest)
  return function(err, result)
    if inflight and inflight.seq == my then
      inflight = nil
    end
    if not vim.api.nvim_buf_is_valid(bufnr) then
      return
    end
    if err or type(result) ~= 'table' then
      result = {}
    end
    if compat.version(bufnr) ~= version then
      return -- the buffer changed since: the edits are for a version it no longer holds
    end
    local edits = {}
    local answer = result.edits or {}
    if #answer == 0 then
      answer = rest or {}
    end
    for _, e in ipairs(answer) do
      local b = buf_of(e.uri)
      -- An edit in an open document is for the version lode names.
      if e.version == nil or b == nil or compat.version(b) == e.version then
        table.insert(edits, e)
      end
    end
    if #edits == 0 then
      if current and current.origin == bufnr then
        M.dismiss()
      end
      return
    end
    current = { client = client, origin = bufnr, cursor = cursor, edits = edits }
    render()
  end
end

-- request asks lode for the edits that follow from the last edits of the
-- buffer, for its current version, with the cursor at cursor ({row, col},
-- 1-based row; default: the window's cursor). When lode proposes none,
-- rest is shown instead: the edits left of a suggestion after one was
-- accepted (lode proposes nothing after a rename at a use).
function M.request(bufnr, cursor, rest)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local b = buffers[bufnr]
  if not b or config().enabled == false or compat.stopped(b.client) then
    return
  end
  cancel()
  cursor = cursor or vim.api.nvim_win_get_cursor(0)
  local line = vim.api.nvim_buf_get_lines(bufnr, cursor[1] - 1, cursor[1], false)[1] or ''
  local version = compat.version(bufnr)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr), version = version },
    position = { line = cursor[1] - 1, character = compat.utf_index(line, cursor[2], b.client.offset_encoding) },
  }
  seq = seq + 1
  local ok, id = compat.request(b.client, 'lode/nextEdits', params, on_result(bufnr, version, cursor, b.client, seq, rest), bufnr)
  if ok then
    inflight = { client = b.client, id = id, seq = seq }
  end
end

-- changed follows an edit of an attached buffer: the suggestion shown is
-- for the text before it, and a new one is asked for once typing pauses.
local function changed(bufnr)
  local b = buffers[bufnr]
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  if not b or b.seen == tick then
    return -- handled already, or our own edit (accept asks for the next ones itself)
  end
  b.seen = tick
  if current then
    current = nil
    render()
  end
  cancel()
  if config().enabled == false then
    return
  end
  timer:stop()
  timer:start(config().debounce_ms or 200, 0, vim.schedule_wrap(function()
    if vim.api.nvim_buf_is_valid(bufnr) and vim.api.nvim_get_current_buf() == bufnr then
      M.request(bufnr)
    end
  end))
end

-- open shows the buffer of uri in the current window (or the window that
-- shows it already) and returns it.
local function open(uri)
  local b = buf_of(uri)
  local win = b and vim.fn.bufwinid(b) or -1
  if win ~= -1 then
    vim.api.nvim_set_current_win(win)
    return b
  end
  vim.cmd('hide edit ' .. vim.fn.fnameescape(vim.uri_to_fname(uri)))
  return vim.api.nvim_get_current_buf()
end

-- at reports whether the cursor is at the start of edit e.
local function at(e)
  local b = buf_of(e.uri)
  if b ~= vim.api.nvim_get_current_buf() then
    return false
  end
  local sr, sc = byte_range(b, e.range, current.client.offset_encoding)
  local cur = vim.api.nvim_win_get_cursor(0)
  return sr ~= nil and cur[1] - 1 == sr and cur[2] == sc
end

-- jump moves the cursor to the start of the next suggested edit (opening
-- its file when it is in another); it returns false when none is shown.
function M.jump()
  if not current then
    return false
  end
  local i = current.target or 1
  if current.target and at(current.edits[i]) and #current.edits > 1 then
    i = i % #current.edits + 1
  end
  local e = current.edits[i]
  local b = open(e.uri)
  local sr, sc = byte_range(b, e.range, current.client.offset_encoding)
  if sr then
    vim.api.nvim_win_set_cursor(0, { sr + 1, sc })
  end
  current.target = i
  render()
  return true
end

-- shifted returns the edits of list as they are after edit e was applied
-- (its document now at version): those after it in its document move,
-- those it overlaps are dropped.
local function shifted(list, e, version, enc)
  local lines = vim.split(e.newText, '\n', true)
  local s, en = e.range.start, e.range['end']
  local last = compat.utf_index(lines[#lines], #lines[#lines], enc)
  local new_end = { line = s.line + #lines - 1, character = (#lines == 1 and s.character or 0) + last }
  local function move(p)
    if p.line > en.line then
      return { line = p.line + new_end.line - en.line, character = p.character }
    end
    return { line = new_end.line, character = new_end.character + p.character - en.character }
  end
  local function before(a, b) -- a <= b
    return a.line < b.line or (a.line == b.line and a.character <= b.character)
  end
  local out = {}
  for _, o in ipairs(list) do
    if o.uri ~= e.uri then
      table.insert(out, o)
    elseif before(o.range['end'], s) then
      table.insert(out, vim.tbl_extend('force', o, { version = o.version and version }))
    elseif before(en, o.range.start) then
      table.insert(out, vim.tbl_extend('force', o, { version = o.version and version, range = { start = move(o.range.start), ['end'] = move(o.range['end']) } }))
    end
  end
  return out
end

-- select_placeholder selects len characters of row from byte column col
-- in Select mode, for the user to type over (a new parameter's name at a
-- call).
local function select_placeholder(row, col, len)
  if vim.startswith(vim.api.nvim_get_mode().mode, 'i') then
    vim.cmd('stopinsert')
  end
  vim.schedule(function()
    vim.api.nvim_win_set_cursor(0, { row + 1, col })
    local keys_ = 'v' .. (len > 1 and (tostring(len - 1) .. 'l') or '') .. '<C-g>'
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys_, true, false, true), 'n', false)
  end)
end

-- accept applies the suggested edit jumped to (the first when none was)
-- and asks for the next ones; it returns false when none is shown.
function M.accept()
  if not current then
    return false
  end
  local s = current
  local e = s.edits[s.target or 1]
  local b = buf_of(e.uri)
  if e.version ~= nil and (b == nil or compat.version(b) ~= e.version) then
    M.dismiss() -- stale: the document changed since
    return true
  end
  current = nil
  render()
  local rest = {}
  for j, other in ipairs(s.edits) do
    if j ~= (s.target or 1) then
      table.insert(rest, other)
    end
  end
  vim.lsp.util.apply_workspace_edit({ changes = { [e.uri] = { { range = e.range, newText = e.newText } } } }, s.client.offset_encoding)
  b = buf_of(e.uri)
  if not b then
    return true
  end
  if buffers[b] then
    buffers[b].seen = vim.api.nvim_buf_get_changedtick(b)
  end
  rest = shifted(rest, e, compat.version(b), s.client.offset_encoding)
  local sr, sc = byte_range(b, e.range, s.client.offset_encoding)
  local lines = vim.split(e.newText, '\n', true)
  local win = vim.fn.bufwinid(b)
  if sr and win ~= -1 then
    local last_row = sr + #lines - 1
    local last_col = (#lines == 1 and sc or 0) + #lines[#lines]
    vim.api.nvim_set_current_win(win)
    if e.placeholder and #lines == 1 then
      local from = compat.byte_index(e.newText, e.placeholder.start, s.client.offset_encoding)
      local to = compat.byte_index(e.newText, e.placeholder['end'], s.client.offset_encoding)
      vim.api.nvim_win_set_cursor(0, { sr + 1, sc + from })
      if to > from then
        select_placeholder(sr, sc + from, vim.fn.strchars(e.newText:sub(from + 1, to)))
      end
    else
      vim.api.nvim_win_set_cursor(0, { last_row + 1, last_col })
    end
  end
  -- The next ones follow from the edit that started the suggestion.
  if vim.api.nvim_buf_is_valid(s.origin) then
    local cursor = s.cursor
    if s.origin == b and vim.api.nvim_get_current_buf() == b then
      cursor = vim.api.nvim_win_get_cursor(0)
    end
    M.request(s.origin, cursor, rest)
  end
  return true
end

-- tab is the jump key when it is also the accept key: it jumps to the
-- suggested edit, and at the edit it accepts it.
local function tab()
  if not current then
    return false
  end
  local i = current.target
  if i and at(current.edits[i]) then
    return M.accept()
  end
  return M.jump()
end

function M.attach(client, bufnr)
  local c = config()
  if c.enabled == false or buffers[bufnr] then
    return
  end
  timer = timer or compat.uv.new_timer()
  buffers[bufnr] = { client = client, seen = vim.api.nvim_buf_get_changedtick(bufnr) }
  for _, mode in ipairs({ 'n', 'i' }) do
    if c.jump and c.jump == c.accept then
      keys.map(bufnr, mode, c.jump, 'nextedit', tab, 'jump to the suggested edit, accept it')
    else
      keys.map(bufnr, mode, c.jump, 'nextedit', M.jump, 'jump to the suggested edit')
      keys.map(bufnr, mode, c.accept, 'nextedit', M.accept, 'accept the suggested edit')
    end
  end
  keys.map(bufnr, 'n', c.dismiss, 'nextedit', M.dismiss, 'dismiss the suggested edit')
  keys.map(bufnr, 'i', c.dismiss_insert, 'nextedit', M.dismiss, 'dismiss the suggested edit')
  local group = vim.api.nvim_create_augroup('lode.nextedit.' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'TextChanged', 'TextChangedI' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      changed(bufnr)
    end,
  })
  vim.api.nvim_create_autocmd('BufUnload', {
    group = group,
    buffer = bufnr,
    callback = function()
      buffers[bufnr] = nil
      if current and current.origin == bufnr then
        M.dismiss()
      end
      vim.api.nvim_del_augroup_by_id(group)
    end,
  })
end

return M
