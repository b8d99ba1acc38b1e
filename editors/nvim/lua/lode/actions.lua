-- :LodeExplain, :LodeSuggest and :LodeContext: one request to lode each,
-- with the answer shown in a floating window or applied to the buffer.
local M = {}

local compat = require('lode.compat')

local function client_or_warn()
  local c = require('lode').client()
  if not c then
    vim.notify('lode: not attached to this buffer', vim.log.levels.WARN)
  end
  return c
end

local function lsp_position(c, row, col)
  local line = vim.api.nvim_buf_get_lines(0, row, row + 1, false)[1] or ''
  return { line = row, character = compat.utf_index(line, col, c.offset_encoding) }
end

-- lsp_range is the range of lines {first, last} (1-based, inclusive), or
-- the cursor's position when lines is nil.
local function lsp_range(c, lines)
  if not lines then
    local cur = vim.api.nvim_win_get_cursor(0)
    local p = lsp_position(c, cur[1] - 1, cur[2])
    return { start = p, ['end'] = p }
  end
  local last = vim.api.nvim_buf_get_lines(0, lines[2] - 1, lines[2], false)[1] or ''
  return { start = { line = lines[1] - 1, character = 0 }, ['end'] = lsp_position(c, lines[2] - 1, #last) }
end

-- float shows markdown in a floating window near the cursor, rendered as
-- Neovim renders hover text (code fences highlighted in their language,
-- markup concealed); q or <Esc> closes it. It enters the window and
-- returns it.
function M.float(markdown, title)
  local lines = vim.split(markdown, '\n', true)
  if title and title ~= '' then
    table.insert(lines, 1, '# ' .. title)
    table.insert(lines, 2, '')
  end
  local buf, win = vim.lsp.util.open_floating_preview(lines, 'markdown', {
    border = 'rounded',
    max_width = math.max(40, math.floor(vim.o.columns * 0.8)),
    max_height = math.max(5, math.floor(vim.o.lines * 0.6)),
    focusable = true,
    focus_id = 'lode',
    wrap = true,
  })
  vim.api.nvim_set_current_win(win)
  vim.bo[buf].bufhidden = 'wipe'
  for _, key in ipairs({ 'q', '<Esc>' }) do
    vim.keymap.set('n', key, '<Cmd>close<CR>', { buffer = buf, nowait = true })
  end
  return win
end

-- text_edits returns the edits of a WorkspaceEdit by document URI.
local function text_edits(edit)
  local out = {}
  for uri, edits in pairs(edit.changes or {}) do
    out[uri] = edits
  end
  for _, change in ipairs(edit.documentChanges or {}) do
    if change.textDocument and change.edits then
      out[change.textDocument.uri] = vim.list_extend(out[change.textDocument.uri] or {}, change.edits)
    end
  end
  return out
end

-- diff returns the unified diff that edit makes.
function M.diff(edit, encoding)
  local out = {}
  for uri, edits in pairs(text_edits(edit)) do
    local bufnr = vim.uri_to_bufnr(uri)
    vim.fn.bufload(bufnr)
    local old = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    local scratch = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_lines(scratch, 0, -1, false, old)
    vim.lsp.util.apply_text_edits(edits, scratch, encoding)
    local new = vim.api.nvim_buf_get_lines(scratch, 0, -1, false)
    vim.api.nvim_buf_delete(scratch, { force = true })
    local name = vim.fn.fnamemodify(vim.uri_to_fname(uri), ':.')
    table.insert(out, '--- a/' .. name)
    table.insert(out, '+++ b/' .. name)
    local d = vim.diff(table.concat(old, '\n') .. '\n', table.concat(new, '\n') .. '\n', { result_type = 'unified', ctxlen = 2 })
    vim.list_extend(out, vim.split((d:gsub('\n$', '')), '\n', true))
  end
  return out
end

-- preview shows the diff edit makes in a float and asks whether to apply
-- it; then it applies it (or not) and calls done with the choice.
function M.preview(edit, encoding, done)
  local lines = M.diff(edit, encoding)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].filetype = 'diff'
  vim.bo[buf].bufhidden = 'wipe'
  local width = 20
  for _, l in ipairs(lines) do
    width = math.max(width, vim.fn.strdisplaywidth(l))
  end
  local win = vim.api.nvim_open_win(buf, false, {
    relative = 'editor',
    row = 1,
    col = 2,
    width = math.min(width, vim.o.columns - 6),
    height = math.min(#lines, vim.o.lines - 6),
    style = 'minimal',
    border = 'rounded',
  })
  vim.ui.select({ 'Apply', 'Discard' }, { prompt = 'lode: apply this fix?' }, function(choice)
    if vim.api.nvim_win_is_valid(win) then
      vim.api.nvim_win_close(win, true)
    end
    local ok = choice == 'Apply'
    if ok then
      vim.lsp.util.apply_workspace_edit(edit, encoding)
    end
    done(ok)
  end)
end

-- apply_edit answers lode's workspace/applyEdit: with the preview on, the
-- edit is shown as a diff and applied only if the user says so.
function M.apply_edit(err, result, ctx)
  local c = vim.lsp.get_client_by_id(ctx.client_id)
  if not require('lode').config.preview or not c then
    return vim.lsp.handlers['workspace/applyEdit'](err, result, ctx)
  end
  local answer
  M.preview(result.edit, c.offset_encoding, function(ok)
    answer = ok and { applied = true } or { applied = false, failureReason = 'the fix was discarded' }
  end)
  -- vim.ui.select may answer later (a picker plugin): the edit is then
  -- applied from the preview, after this reply.
  return answer or { applied = false, failureReason = 'the fix waits in its preview' }
end

function M.explain(lines)
  local c = client_or_warn()
  if not c then
    return
  end
  local range = lsp_range(c, lines)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(0) },
    range = range,
    position = range.start,
  }
  vim.notify('lode: explaining…', vim.log.levels.INFO)
  compat.request(c, 'lode/explain', params, function(err, result)
    if err then
      vim.notify('lode: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if not result or (result.markdown or '') == '' then
      vim.notify('lode: no explanation for this code', vim.log.levels.INFO)
      return
    end
    M.float(result.markdown)
  end, 0)
end

-- apply applies a code action: its edit (resolved first when lode computes
-- it lazily), then its command.
local function apply(c, action, bufnr)
  local function finish(a)
    local function after()
      if type(a.command) == 'table' then
        compat.request(c, 'workspace/executeCommand', a.command, function(err)
          if err then
            vim.notify('lode: ' .. err.message, vim.log.levels.ERROR)
          end
        end, bufnr)
      end
    end
    if a.edit and require('lode').config.preview then
      M.preview(a.edit, c.offset_encoding, function(ok)
        if ok then
          after()
        end
      end)
      return
    end
    if a.edit then
      vim.lsp.util.apply_workspace_edit(a.edit, c.offset_encoding)
    end
    after()
  end
  if action.edit or not action.data then
    finish(action)
    return
  end
  vim.notify('lode: computing the fix…', vim.log.levels.INFO)
  compat.request(c, 'codeAction/resolve', action, function(err, resolved)
    if err then
      vim.notify('lode: ' .. err.message, vim.log.levels.ERROR)
      return
    end
    if not resolved.edit and not resolved.command then
      vim.notify('lode: no fix', vim.log.levels.INFO)
      return
    end
    finish(resolved)
  end, bufnr)
end

-- rewrite asks for an instruction and fills it in the rewrite command.
local function rewrite(c, action, bufnr)
  vim.ui.input({ prompt = 'lode: rewrite how? ' }, function(instruction)
    if not instruction or instruction == '' then
      return
    end
    local cmd = vim.deepcopy(action.command)
    cmd.arguments[1].instruction = instruction
    apply(c, { command = cmd }, bufnr)
  end)
end

local function diagnostics(bufnr, lines)
  local out = {}
  local first, last = vim.api.nvim_win_get_cursor(0)[1], nil
  if lines then
    first, last = lines[1], lines[2]
  end
  last = last or first
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.lnum + 1 >= first and d.lnum + 1 <= last then
      local lsp_d = d.user_data and d.user_data.lsp
      table.insert(out, lsp_d or {
        range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col } },
        severity = d.severity,
        message = d.message,
        source = d.source,
      })
    end
  end
  return out
end

function M.suggest(lines)
  local c = client_or_warn()
  if not c then
    return
  end
  local bufnr = vim.api.nvim_get_current_buf()
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = lsp_range(c, lines),
    context = { diagnostics = diagnostics(bufnr, lines), only = { 'quickfix', 'refactor.rewrite' }, triggerKind = 1 },
  }
  compat.request(c, 'textDocument/codeAction', params, function(err, actions)
    if err then
      vim.notify('lode: ' .. err.message, vim.log.levels.ERROR)
      return
    end
    actions = actions or {}
    if #actions == 0 then
      vim.notify('lode: no fix to suggest here (select lines to rewrite them)', vim.log.levels.INFO)
      return
    end
    local function run(a)
      if a.kind == 'refactor.rewrite' and type(a.command) == 'table' then
        rewrite(c, a, bufnr)
      else
        apply(c, a, bufnr)
      end
    end
    if #actions == 1 then
      run(actions[1])
      return
    end
    vim.ui.select(actions, {
      prompt = 'lode:',
      format_item = function(a)
        return a.title
      end,
    }, function(a)
      if a then
        run(a)
      end
    end)
  end, bufnr)
end

function M.context()
  local c = client_or_warn()
  if not c then
    return
  end
  local cur = vim.api.nvim_win_get_cursor(0)
  local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = lsp_position(c, cur[1] - 1, cur[2]) }
  compat.request(c, 'lode/context', params, function(err, bundle)
    if err then
      vim.notify('lode: ' .. err.message, vim.log.levels.ERROR)
      return
    end
    local snippets = bundle and bundle.snippets
    if snippets == nil or snippets == vim.NIL then
      snippets = {}
    end
    local out = { string.format('%d snippet%s, %d of %d tokens', #snippets, #snippets == 1 and '' or 's', bundle.tokens or 0, bundle.budget or 0), '' }
    local root = c.config.root_dir
    for _, s in ipairs(snippets) do
      local path = s.path
      if root and vim.startswith(path, root .. '/') then
        path = path:sub(#root + 2)
      end
      local why = s.reason
      if s.symbol and s.symbol ~= vim.NIL and s.symbol ~= '' then
        why = why .. ' of `' .. s.symbol .. '`'
      end
      table.insert(out, string.format('## %s:%d-%d', path, s.startLine + 1, s.endLine + 1))
      table.insert(out, string.format('%s · %d tokens', why, s.tokens))
      table.insert(out, '```')
      vim.list_extend(out, vim.split((s.text:gsub('\n$', '')), '\n', true))
      table.insert(out, '```')
      table.insert(out, '')
    end
    M.float(table.concat(out, '\n'), 'lode context')
  end, 0)
end

return M
