-- :checkhealth lode. Neovim 0.10+ reports through vim.health.start/ok/...,
-- 0.7 to 0.9 through require('health').report_start/report_ok/....
local M = {}

local function reporter()
  local h = vim.health
  if h and h.start then
    return h
  end
  if not (h and h.report_start) then
    h = require('health')
  end
  return {
    start = h.report_start,
    ok = h.report_ok,
    warn = h.report_warn,
    error = h.report_error,
    info = h.report_info,
  }
end

function M.check()
  local h = reporter()
  h.start('lode')
  if vim.fn.has('nvim-0.7.2') == 1 then
    h.ok('Neovim ' .. tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch)
  else
    h.error('Neovim 0.7.2 or later is required')
  end
  local lode = package.loaded['lode']
  if not lode then
    h.warn("require('lode').setup{} has not been called")
    return
  end
  local cmd = lode.config.cmd
  local exe = vim.fn.exepath(cmd[1])
  if exe == '' then
    h.error(cmd[1] .. ' not found', { 'Build it with `make build` and put it on PATH, or pass cmd = { "/path/to/lode", "serve" } to setup' })
    return
  end
  h.ok('server: ' .. exe)
  local out = vim.fn.system({ exe, 'version' })
  if vim.v.shell_error == 0 then
    h.ok('version: ' .. vim.trim(out))
  end
  local native = vim.lsp.inline_completion ~= nil and lode.config.ghost.native
  h.info('ghost text: ' .. (native and "Neovim's vim.lsp.inline_completion" or 'extmarks by lode.nvim'))
  local running, roots = 0, {}
  for _, c in ipairs(require('lode.compat').clients('lode')) do
    running = running + 1
    local root = c.config.root_dir or '?'
    local bufs = vim.tbl_count(c.attached_buffers or {})
    local line = string.format('running: client %d for %s, %d buffer(s), %s positions', c.id, root, bufs, c.offset_encoding or 'utf-16')
    if roots[root] then
      h.warn(line .. string.format(': a second server for this root (client %d runs one)', roots[root]))
    else
      roots[root] = c.id
      h.ok(line)
    end
    h.info('status: ' .. lode.status(next(c.attached_buffers or {}) or 0))
  end
  if running == 0 then
    h.info('no lode server is running: open a file of a filetype lode attaches to')
  end
  local doctor = vim.fn.system({ exe, 'doctor' })
  if vim.v.shell_error == 0 then
    h.ok('lode doctor: all checks passed')
  else
    h.warn('lode doctor reported problems:\n' .. vim.trim(doctor))
  end
end

return M
