//! Access to a capture's bytes: a read-only memory map (the crate's only `unsafe`) or,
//! behind `--no-mmap`, plain reads into owned buffers. Callers ask for windows by file
//! offset, so the rest of the pipeline does not care which one is in use.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use memmap2::Mmap;

pub struct Source {
    path: PathBuf,
    len: u64,
    kind: Kind,
}

enum Kind {
    Empty,
    Map(Mmap),
    File(Mutex<File>),
}

/// A contiguous range of the capture, borrowed from the map or read into a buffer.
pub enum Window<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

impl Deref for Window<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Window::Borrowed(b) => b,
            Window::Owned(v) => v,
        }
    }
}

impl Source {
    pub fn open(path: &Path, use_mmap: bool) -> io::Result<Source> {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(io::Error::other("is a directory"));
        }
        let len = meta.len();
        let kind = if len == 0 {
            Kind::Empty
        } else if use_mmap {
            // SAFETY: the map is read-only and private to this process. A capture being
            // truncated by another process while we read it is the one hazard (SIGBUS);
            // that is the documented trade-off of mmap, and `--no-mmap` avoids it.
            let map = unsafe { Mmap::map(&file)? };
            #[cfg(unix)]
            let _ = map.advise(memmap2::Advice::Sequential);
            Kind::Map(map)
        } else {
            Kind::File(Mutex::new(file))
        };
        Ok(Source {
            path: path.to_path_buf(),
            len,
            kind,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn is_mapped(&self) -> bool {
        matches!(self.kind, Kind::Map(_))
    }

    /// Bytes `[start, start + len)`, clamped to the end of the file.
    pub fn window(&self, start: u64, len: usize) -> io::Result<Window<'_>> {
        let start = start.min(self.len);
        let end = (start + len as u64).min(self.len);
        match &self.kind {
            Kind::Empty => Ok(Window::Borrowed(&[])),
            Kind::Map(m) => Ok(Window::Borrowed(&m[start as usize..end as usize])),
            Kind::File(f) => {
                let mut f = f.lock().unwrap_or_else(|e| e.into_inner());
                f.seek(SeekFrom::Start(start))?;
                let mut buf = vec![0u8; (end - start) as usize];
                f.read_exact(&mut buf)?;
                Ok(Window::Owned(buf))
            }
        }
    }

    /// Asks the kernel to fault in a range ahead of use, so workers do not stall on
    /// page faults one 4 KiB page at a time.
    pub fn prefetch(&self, start: u64, len: usize) {
        #[cfg(target_os = "linux")]
        if let Kind::Map(m) = &self.kind {
            let start = start.min(self.len) as usize;
            let end = (start + len).min(self.len as usize);
            let page = 4096;
            let s = start & !(page - 1);
            if end > s {
                // MADV_POPULATE_READ (Linux 5.14+) maps the pages in one call; older
                // kernels reject it and WILLNEED still starts the reads.
                const MADV_POPULATE_READ: libc::c_int = 22;
                // SAFETY: the range lies inside our own live mapping; madvise only
                // changes paging behaviour, not the contents.
                unsafe {
                    let p = m.as_ptr().add(s) as *mut libc::c_void;
                    if libc::madvise(p, end - s, MADV_POPULATE_READ) != 0 {
                        libc::madvise(p, end - s, libc::MADV_WILLNEED);
                    }
                }
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = (start, len);
    }

    /// SHA-256 of the whole file.
    pub fn sha256(&self) -> io::Result<String> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        match &self.kind {
            Kind::Empty => {}
            Kind::Map(m) => h.update(&m[..]),
            Kind::File(_) => {
                let mut f = File::open(&self.path)?;
                let mut buf = vec![0u8; 1 << 20];
                loop {
                    let n = f.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    h.update(&buf[..n]);
                }
            }
        }
        Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}
