-- lode for Neovim: starts `lode serve` through vim.lsp (one server per
-- root), shows its inline completions as ghost text, its status in
-- require('lode').status() (for the statusline), and offers :Lode toggle,
-- :LodeExplain, :LodeSuggest and :LodeContext. Works on Neovim 0.7.2 and later; uses Neovim's own inline
-- completion (vim.lsp.inline_completion) where the version has it.
-- Next-edit suggestions (lode/nextEdits) are in nextedit.lua.
--
--   require('lode').setup{ settings = { completion = { enabled = true } } }
local M = {}

local defaults = {
  -- The command that starts the server.
  cmd = { 'lode', 'serve' },
  -- Filetypes to attach to; nil attaches to every file buffer.
  filetypes = nil,
  -- Files or folders that mark the root of a workspace.
  root_markers = { '.lode.toml', 'go.mod', 'package.json', 'Cargo.toml', 'pyproject.toml', '.git' },
  -- lode's settings, keyed like its configuration file (docs/settings.md).
  settings = {},
  -- Ghost text: show inline completions as you type.
  ghost = {
    enabled = true,
    debounce_ms = 75,
    -- Use vim.lsp.inline_completion when Neovim has it (0.12 and later).
    native = true,
  },
  -- Insert-mode mappings; false disables one.
  keymaps = {
    accept = '<Tab>',
    accept_word = '<M-Right>',
    accept_line = '<M-C-Right>',
    next = '<M-]>',
    prev = '<M-[>',
    dismiss = '<C-]>',
  },
  -- Next-edit suggestions: once an edit settles, the edits that follow
  -- from it (the other uses of a renamed name...), shown where they apply.
  -- Normal- and Insert-mode keys, each doing what it always does when no
  -- suggestion is shown; false disables one. When jump and accept are the
  -- same key, it jumps to the edit, and at the edit it accepts it.
  next_edit = {
    enabled = true,
    debounce_ms = 200,
    jump = '<Tab>',
    accept = '<Tab>',
    dismiss = '<Esc>', -- Normal mode
    dismiss_insert = '<C-]>', -- Insert mode
  },
  -- Show a suggested fix as a diff and ask before applying it.
  preview = true,
  -- Called with (client, bufnr) when lode attaches to a buffer.
  on_attach = nil,
}

M.config = vim.deepcopy(defaults)

local compat = require('lode.compat')

local function find_root(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while true do
    for _, marker in ipairs(M.config.root_markers) do
      if compat.uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return vim.fn.getcwd()
    end
    dir = parent
  end
end

-- settings returns the settings table for JSON: an empty Lua table would be
-- encoded as an array.
local function settings()
  if next(M.config.settings) == nil then
    return vim.empty_dict()
  end
  return M.config.settings
end

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.textDocument = caps.textDocument or {}
  caps.textDocument.inlineCompletion = { dynamicRegistration = false }
  caps.window = caps.window or {}
  caps.window.workDoneProgress = true
  return caps
end

local function on_attach(client, bufnr)
  require('lode.ghost').attach(client, bufnr)
  require('lode.nextedit').attach(client, bufnr)
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

-- statuses holds the last lode/status of each client, by client id.
local statuses = {}

local function on_status(_, result, ctx)
  statuses[ctx.client_id] = result
  vim.cmd('redrawstatus!')
  if vim.fn.exists('#User#LodeStatus') == 1 then
    vim.cmd('doautocmd <nomodeline> User LodeStatus')
  end
end

local function config_for(root)
  return {
    name = 'lode',
    cmd = M.config.cmd,
    root_dir = root,
    init_options = settings(),
    settings = { lode = settings() },
    capabilities = capabilities(),
    on_attach = on_attach,
    on_exit = function(_, _, id)
      statuses[id] = nil
    end,
    handlers = {
      ['lode/status'] = on_status,
      ['workspace/applyEdit'] = function(err, result, ctx)
        return require('lode.actions').apply_edit(err, result, ctx)
      end,
    },
  }
end

-- enabled reports whether completion is on for filetype ft (nil: the
-- global switch only), as :Lode toggle leaves it.
function M.enabled(ft)
  local c = M.config.settings.completion or {}
  if c.enabled == false then
    return false
  end
  return ft == nil or not vim.tbl_contains(c.disabled_languages or {}, ft)
end

-- status returns lode's state for the current buffer, for a statusline:
-- '' when lode is not attached, else for example "lode: qwen2.5-coder",
-- "lode: qwen2.5-coder …" (completing), "lode: qwen2.5-coder (indexing
-- 40%)", "lode: qwen2.5-coder unreachable, using embedded", "lode: off".
function M.status(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local c = M.client(bufnr)
  if not c then
    return ''
  end
  local ft = vim.bo[bufnr].filetype
  local s = statuses[c.id]
  if not M.enabled() or (s and s.state == 'disabled') then
    return 'lode: off'
  end
  if not M.enabled(ft) or (s and vim.tbl_contains(s.disabledLanguages or {}, ft)) then
    return 'lode: off for ' .. ft
  end
  if not s then
    return 'lode: starting'
  end
  local name = 'lode: ' .. (s.model or '?')
  if s.state == 'unreachable' then
    return name .. ' unreachable' .. ((s.fallback or '') ~= '' and (', using ' .. s.fallback) or '')
  elseif s.state == 'working' then
    return name .. ' …'
  elseif s.indexing and s.indexing.total > 0 then
    return string.format('%s (indexing %d%%)', name, math.floor(s.indexing.done * 100 / s.indexing.total))
  end
  return name
end

-- push sends the settings to every running lode.
local function push()
  for _, c in ipairs(compat.clients('lode')) do
    c.config.settings = { lode = settings() }
    compat.notify(c, 'workspace/didChangeConfiguration', { settings = { lode = settings() } })
  end
end

-- configure changes lode's settings (keyed like its configuration file)
-- and sends them to every running lode.
function M.configure(settings)
  M.config.settings = vim.tbl_deep_extend('force', M.config.settings, settings)
  push()
end

-- toggle turns completion off or on: for every language, or for the
-- language (filetype) ft.
function M.toggle(ft)
  local c = M.config.settings.completion or {}
  M.config.settings.completion = c
  if ft == nil or ft == '' then
    if c.enabled == false then
      c.enabled = nil
    else
      c.enabled = false
    end
  else
    local list = vim.tbl_filter(function(l)
      return l ~= ft
    end, c.disabled_languages or {})
    if #list == #(c.disabled_languages or {}) then
      table.insert(list, ft)
    end
    c.disabled_languages = #list > 0 and list or nil
  end
  if next(c) == nil then
    M.config.settings.completion = nil
  end
  push()
  if not M.enabled(ft) then
    require('lode.ghost').dismiss()
  end
  vim.notify(M.enabled(ft) and 'lode: completion on' or ('lode: completion off' .. (ft and (' for ' .. ft) or '')), vim.log.levels.INFO)
end

-- attach starts lode for the buffer's workspace (one server per root) and
-- attaches the buffer to it.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.bo[bufnr].buftype ~= '' then
    return
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return
  end
  local ft = vim.bo[bufnr].filetype
  if M.config.filetypes and not vim.tbl_contains(M.config.filetypes, ft) then
    return
  end
  if compat.start(config_for(find_root(name)), bufnr) == nil then
    vim.notify('lode: cannot start ' .. table.concat(M.config.cmd, ' '), vim.log.levels.ERROR)
  end
end

-- client returns lode's client for the buffer, or nil.
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  return compat.clients('lode', bufnr)[1]
end

local function commands()
  local cmd = vim.api.nvim_create_user_command
  local actions = require('lode.actions')
  cmd('LodeExplain', function(o)
    actions.explain(o.range > 0 and { o.line1, o.line2 } or nil)
  end, { range = true, desc = 'lode: explain the selection or the code at the cursor' })
  cmd('LodeSuggest', function(o)
    actions.suggest(o.range > 0 and { o.line1, o.line2 } or nil)
  end, { range = true, desc = "lode: apply lode's suggested fix" })
  cmd('LodeContext', function()
    actions.context()
  end, { desc = 'lode: show the context lode sends for the cursor' })
  cmd('Lode', function(o)
    local sub, arg = o.fargs[1], o.fargs[2]
    if sub == 'toggle' then
      M.toggle(arg == 'filetype' and vim.bo.filetype or arg)
    elseif sub == 'status' then
      print(M.status())
    elseif sub == 'explain' then
      actions.explain(o.range > 0 and { o.line1, o.line2 } or nil)
    elseif sub == 'suggest' then
      actions.suggest(o.range > 0 and { o.line1, o.line2 } or nil)
    elseif sub == 'context' then
      actions.context()
    elseif sub == 'restart' then
      vim.cmd('LodeRestart')
    else
      vim.notify('lode: :Lode toggle [filetype|LANG] | status | explain | suggest | context | restart', vim.log.levels.ERROR)
    end
  end, {
    nargs = '+',
    range = true,
    complete = function(_, line)
      if line:match('toggle%s+%S*$') then
        return { 'filetype' }
      end
      return { 'toggle', 'status', 'explain', 'suggest', 'context', 'restart' }
    end,
    desc = 'lode: toggle completion, show the status, explain, suggest, context, restart',
  })
  cmd('LodeRestart', function()
    for _, c in ipairs(compat.clients('lode')) do
      vim.lsp.stop_client(c.id)
    end
    vim.defer_fn(function()
      for _, b in ipairs(vim.api.nvim_list_bufs()) do
        if vim.api.nvim_buf_is_loaded(b) then
          M.attach(b)
        end
      end
    end, 500)
  end, { desc = 'lode: restart the language server' })
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  vim.cmd('highlight default link LodeGhost Comment')
  vim.cmd('highlight default link LodeNextEdit DiffAdd')
  vim.cmd('highlight default LodeNextEditDelete cterm=strikethrough gui=strikethrough')
  vim.cmd('highlight default link LodeNextEditHint Comment')
  vim.cmd('highlight default link LodeNextEditSign DiffAdd')
  commands()
  local group = vim.api.nvim_create_augroup('lode', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile', 'FileType' }, {
    group = group,
    callback = function(ev)
      M.attach(ev.buf)
    end,
  })
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then
      M.attach(b)
    end
  end
end

return M
