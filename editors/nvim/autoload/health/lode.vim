" :checkhealth lode on Neovim versions that only look in autoload/health/.
" Newer ones find lua/lode/health.lua first and do not call this.
function! health#lode#check() abort
  lua require('lode.health').check()
endfunction
