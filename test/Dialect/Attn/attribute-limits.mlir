// Every integer parameter of the mask and tiling attributes stays below
// 2^31 (positions and products such as (j + 1) * stride or radius *
// dilation are 64-bit): 2^31 itself is refused, naming the parameter.
// (invalid.mlir has the limit's other cases and the lower bounds.)
// RUN: attn-opt %s --split-input-file --verify-diagnostics

// expected-error @+1 {{window left must be at most 2147483647, but got 2147483648}}
func.func private @window_left() -> () attributes {m = #attn.window<left = 2147483648, right = 0>}

// -----

// expected-error @+1 {{dilated window must be at most 2147483647, but got 2147483648}}
func.func private @dilated_window() -> () attributes {m = #attn.dilated<window = 2147483648, dilation = 1>}

// -----

// expected-error @+1 {{dilation must be at most 2147483647, but got 2147483648}}
func.func private @dilation() -> () attributes {m = #attn.dilated<window = 4, dilation = 2147483648>}

// -----

// expected-error @+1 {{neighborhood grid size must be at most 2147483647, but got 2147483648}}
func.func private @neighborhood_grid() -> () attributes {m = #attn.neighborhood<grid = [2147483648], radius = [1], dilation = [1]>}

// -----

// expected-error @+1 {{neighborhood radius must be at most 2147483647, but got 2147483648}}
func.func private @neighborhood_radius() -> () attributes {m = #attn.neighborhood<grid = [64], radius = [2147483648], dilation = [1]>}

// -----

// expected-error @+1 {{neighborhood dilation must be at most 2147483647, but got 2147483648}}
func.func private @neighborhood_dilation() -> () attributes {m = #attn.neighborhood<grid = [64], radius = [1], dilation = [2147483648]>}

// -----

// expected-error @+1 {{prefix length must be at most 2147483647, but got 2147483648}}
func.func private @prefix() -> () attributes {m = #attn.prefix<len = 2147483648>}

// -----

// expected-error @+1 {{chunk size must be at most 2147483647, but got 2147483648}}
func.func private @chunk() -> () attributes {m = #attn.chunked<size = 2147483648>}

// -----

// expected-error @+1 {{global token count must be at most 2147483647, but got 2147483648}}
func.func private @global() -> () attributes {m = #attn.global<count = 2147483648>}

// -----

// expected-error @+1 {{stripes column must be at most 2147483647, but got 2147483648}}
func.func private @stripes_column() -> () attributes {m = #attn.stripes<columns = [2147483648]>}

// -----

// expected-error @+1 {{block_layout block_q must be at most 2147483647, but got 2147483648}}
func.func private @layout_block_q() -> () attributes {m = #attn.block_layout<block_q = 2147483648, block_kv = 16>}

// -----

// expected-error @+1 {{block_layout block_kv must be at most 2147483647, but got 2147483648}}
func.func private @layout_block_kv() -> () attributes {m = #attn.block_layout<block_q = 16, block_kv = 2147483648>}

// -----

// expected-error @+1 {{block_indices block_q must be at most 2147483647, but got 2147483648}}
func.func private @indices_block_q() -> () attributes {m = #attn.block_indices<block_q = 2147483648, block_kv = 16>}

// -----

// expected-error @+1 {{block_indices block_kv must be at most 2147483647, but got 2147483648}}
func.func private @indices_block_kv() -> () attributes {m = #attn.block_indices<block_q = 16, block_kv = 2147483648>}

// -----

// expected-error @+1 {{tiling block_kv must be at most 2147483647, but got 2147483648}}
func.func private @tiling_block_kv() -> () attributes {m = #attn.tiling<block_q = 8, block_kv = 2147483648>}

// -----

// expected-error @+1 {{tiling kv_splits must be at most 2147483647, but got 2147483648}}
func.func private @tiling_kv_splits() -> () attributes {m = #attn.tiling<block_q = 8, block_kv = 8, kv_splits = 2147483648>}
