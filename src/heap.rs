//! The wasm build's allocator: power-of-two size classes, each with a free list, carved from
//! memory that only ever grows.
//!
//! A send makes a few dozen short-lived allocations of a few sizes, so a freed block is soon
//! wanted again at the same size: a free list per class serves it in a few instructions, and the
//! heap stays as large as the busiest moment needed. It replaces dlmalloc, which was about 8 KB
//! of the module and, with its bookkeeping, several percent of a send's time in profiles. Blocks are never split or merged; rounding up to a
//! power of two costs at most half of each block, which a connector's small heap can afford.
//!
//! Generic over where memory comes from, so the native tests can run it on a buffer.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::ptr;

/// The smallest block: room for the free list's link, and the alignment `malloc` promises.
const MIN_BLOCK: usize = 16;
/// Blocks of 16 B up to 2 GiB, the most a 32-bit wasm memory can hold.
const CLASSES: usize = 28;
/// Blocks are aligned to their size up to this, so a block suits any layout of its class.
/// Larger alignments are refused (returned as null); nothing in this crate asks for one.
const MAX_ALIGN: usize = 4096;

/// A source of fresh memory: wasm's `memory.grow`, or a test's buffer.
pub trait Pages {
    /// At least `bytes` of new memory, as its start and its length; None when there is no more.
    fn grow(&self, bytes: usize) -> Option<(*mut u8, usize)>;
}

/// A size-class heap over `P`. Not `Sync`: the wasm build wraps it for its single thread.
pub struct SizeClassHeap<P> {
    /// The first free block of each class; each free block's first word points to the next.
    free: [Cell<*mut u8>; CLASSES],
    /// Where the next new block is carved, and where the memory obtained so far ends.
    next: Cell<*mut u8>,
    end: Cell<*mut u8>,
    pages: P,
}

/// The class of `layout` and its block size; None if no class is large or aligned enough.
fn class_of(layout: Layout) -> Option<(usize, usize)> {
    if layout.align() > MAX_ALIGN {
        return None;
    }
    let block = layout.size().max(layout.align()).max(MIN_BLOCK).checked_next_power_of_two()?;
    let class = (block.trailing_zeros() - MIN_BLOCK.trailing_zeros()) as usize;
    (class < CLASSES).then_some((class, block))
}

impl<P: Pages> SizeClassHeap<P> {
    /// An empty heap; it asks `pages` for memory on its first allocation.
    pub const fn new(pages: P) -> Self {
        Self {
            free: [const { Cell::new(ptr::null_mut()) }; CLASSES],
            next: Cell::new(ptr::null_mut()),
            end: Cell::new(ptr::null_mut()),
            pages,
        }
    }

    /// Carves a new block of `block` bytes, aligned to its size up to MAX_ALIGN.
    fn carve(&self, block: usize) -> *mut u8 {
        let align = block.min(MAX_ALIGN);
        let fits = |start: *mut u8, end: *mut u8| {
            let offset = start.align_offset(align);
            let room = (end as usize).saturating_sub(start as usize);
            (offset.checked_add(block)? <= room).then(|| start.wrapping_add(offset))
        };
        let at = match fits(self.next.get(), self.end.get()) {
            Some(at) => at,
            None => {
                let Some((region, len)) = block.checked_add(align).and_then(|bytes| self.pages.grow(bytes)) else {
                    return ptr::null_mut();
                };
                // New memory usually continues the old; if not, the old remainder is left unused.
                if region != self.end.get() {
                    self.next.set(region);
                }
                self.end.set(region.wrapping_add(len));
                match fits(self.next.get(), self.end.get()) {
                    Some(at) => at,
                    None => return ptr::null_mut(),
                }
            }
        };
        self.next.set(at.wrapping_add(block));
        at
    }
}

// SAFETY: every block handed out is `block_size(layout)` bytes, aligned to its layout, and owned
// by its caller until freed. A free block is only ever in one list, and its first word (it is at
// least 16 bytes and 16-aligned) holds the link, so no two live allocations share a byte.
unsafe impl<P: Pages> GlobalAlloc for SizeClassHeap<P> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some((class, block)) = class_of(layout) else {
            return ptr::null_mut();
        };
        let Some(head) = self.free.get(class) else {
            return ptr::null_mut();
        };
        let block_ptr = head.get();
        if block_ptr.is_null() {
            return self.carve(block);
        }
        // SAFETY: `block_ptr` is a free block of this class, whose first word links the next.
        head.set(unsafe { block_ptr.cast::<*mut u8>().read() });
        block_ptr
    }

    unsafe fn dealloc(&self, block_ptr: *mut u8, layout: Layout) {
        if let Some(head) = class_of(layout).and_then(|(class, _)| self.free.get(class)) {
            // SAFETY: the caller gives back a block this heap handed out for `layout`; it is no
            // longer in use, so its first word can hold the link.
            unsafe { block_ptr.cast::<*mut u8>().write(head.get()) };
            head.set(block_ptr);
        }
    }

    unsafe fn realloc(&self, old: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` with this alignment is a valid layout.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // The block already has room up to its class size: wasm-bindgen's string passing grows
        // and shrinks a buffer this way on every call.
        if class_of(new_layout).map(|(class, _)| class) == class_of(layout).map(|(class, _)| class) {
            return old;
        }
        // SAFETY: `new_layout` is valid (above); `old` is live for `layout.size()` bytes and the new
        // block is a different one, so the copy neither overlaps nor overruns either.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                ptr::copy_nonoverlapping(old, new, layout.size().min(new_size));
                self.dealloc(old, layout);
            }
            new
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Hands out 64 KiB-aligned pieces of one buffer, counting how many bytes it gave.
    struct Buffer {
        memory: RefCell<(Vec<u8>, usize)>,
    }

    impl Buffer {
        fn new(bytes: usize) -> Self {
            Buffer { memory: RefCell::new((vec![0; bytes], 0)) }
        }

        fn used(&self) -> usize {
            self.memory.borrow().1
        }
    }

    impl Pages for Buffer {
        fn grow(&self, bytes: usize) -> Option<(*mut u8, usize)> {
            let (memory, used) = &mut *self.memory.borrow_mut();
            let base = memory.as_mut_ptr();
            let start = *used + base.wrapping_add(*used).align_offset(65536);
            let len = bytes.div_ceil(65536) * 65536;
            if start + len > memory.len() {
                return None;
            }
            *used = start + len;
            Some((base.wrapping_add(start), len))
        }
    }

    /// A small deterministic generator, so a failure replays.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_keep_their_contents() {
        let heap = SizeClassHeap::new(Buffer::new(64 << 20));
        let mut rng = 20261124;
        let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
        for step in 0..20_000u32 {
            let r = xorshift(&mut rng);
            if live.len() > 200 || (r % 3 == 0 && !live.is_empty()) {
                let (p, layout, tag) = live.swap_remove((r as usize / 3) % live.len());
                let bytes = unsafe { std::slice::from_raw_parts(p, layout.size()) };
                assert!(bytes.iter().all(|&b| b == tag), "a block was overwritten while live");
                if r % 5 == 0 {
                    let new_size = (r >> 20) as usize % 5000 + 1;
                    let q = unsafe { heap.realloc(p, layout, new_size) };
                    let kept = layout.size().min(new_size);
                    assert!(unsafe { std::slice::from_raw_parts(q, kept) }.iter().all(|&b| b == tag), "realloc lost bytes");
                    let layout = Layout::from_size_align(new_size, layout.align()).unwrap();
                    unsafe { q.write_bytes(tag, new_size) };
                    live.push((q, layout, tag));
                } else {
                    unsafe { heap.dealloc(p, layout) };
                }
            } else {
                let size = [1, 8, 24, 100, 600, 3000, 70_000][(r >> 8) as usize % 7] + (r >> 32) as usize % 7;
                let layout = Layout::from_size_align(size, 1 << ((r >> 40) % 5)).unwrap();
                let p = unsafe { heap.alloc(layout) };
                assert!(!p.is_null());
                assert_eq!(p as usize % layout.align(), 0);
                let tag = step as u8;
                unsafe { p.write_bytes(tag, size) };
                live.push((p, layout, tag));
            }
        }
        for (p, layout, tag) in live {
            assert!(unsafe { std::slice::from_raw_parts(p, layout.size()) }.iter().all(|&b| b == tag));
        }
    }

    #[test]
    fn freed_blocks_are_reused_so_a_steady_load_stops_growing() {
        let heap = SizeClassHeap::new(Buffer::new(8 << 20));
        let layouts = [Layout::new::<[u8; 600]>(), Layout::new::<u64>(), Layout::new::<[u64; 40]>()];
        let round = || {
            let blocks: Vec<_> = layouts.iter().map(|&l| (unsafe { heap.alloc(l) }, l)).collect();
            for (p, l) in blocks {
                unsafe { heap.dealloc(p, l) };
            }
        };
        round();
        let after_one = heap.pages.used();
        for _ in 0..100_000 {
            round();
        }
        assert_eq!(heap.pages.used(), after_one);
    }

    #[test]
    fn realloc_within_a_class_keeps_the_block() {
        let heap = SizeClassHeap::new(Buffer::new(1 << 20));
        let layout = Layout::from_size_align(40, 1).unwrap();
        let p = unsafe { heap.alloc(layout) };
        assert_eq!(unsafe { heap.realloc(p, layout, 64) }, p);
        assert_ne!(unsafe { heap.realloc(p, Layout::from_size_align(64, 1).unwrap(), 65) }, p);
    }

    #[test]
    fn impossible_requests_are_null_not_a_panic() {
        let heap = SizeClassHeap::new(Buffer::new(1 << 20));
        assert!(unsafe { heap.alloc(Layout::from_size_align(16, 8192).unwrap()) }.is_null());
        assert!(unsafe { heap.alloc(Layout::from_size_align(4 << 20, 1).unwrap()) }.is_null());
        // The heap is still usable afterwards.
        assert!(!unsafe { heap.alloc(Layout::new::<u64>()) }.is_null());
    }
}
