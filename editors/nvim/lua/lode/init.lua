-- lode for Neovim: starts `lode serve` through vim.lsp, shows its inline
-- completions as ghost text, and offers :LodeExplain, :LodeSuggest and
-- :LodeContext. Works on Neovim 0.7.2 and later; uses Neovim's own inline
-- completion (vim.lsp.inline_completion) where the version has it.
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
    next = '<M-]>',
    prev = '<M-[>',
    dismiss = '<C-]>',
  },
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
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
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
  }
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
