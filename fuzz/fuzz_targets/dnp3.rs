//! The DNP3 dissector over a stream's bytes: frames are parsed one after another
//! (skipping a byte after a non-DNP3 error, as a resyncing reader would), segments are
//! joined into application fragments by their transport headers, and every frame,
//! fragment and object header is formatted with `Debug`, touching every field. The
//! input is also parsed directly as an application fragment.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::dnp3;

fn app(fragment: &[u8], frame: Option<&dnp3::Frame<'_>>) {
    let Ok(a) = dnp3::parse_app(fragment) else {
        return;
    };
    black_box(format!("{a:?}"));
    let code = a.function().0 as u16;
    black_box((dnp3::function_name(code), dnp3::function_class(code).name()));
    let mut objects = a.objects();
    let mut consumed = 0;
    for h in objects.by_ref() {
        black_box(format!("{h:?}"));
        assert!(h.data.len() <= fragment.len());
        consumed += 3;
        assert!(
            consumed <= a.object_bytes().len(),
            "each header consumes 3+ bytes"
        );
    }
    assert!(objects.rest().len() <= a.object_bytes().len());
    if let Some(f) = frame {
        black_box(dnp3::op(&a, f));
    }
}

fuzz_target!(|data: &[u8]| {
    app(data, None);
    let mut b = data;
    let mut fragment = Vec::new();
    let mut user = Vec::new();
    while !b.is_empty() {
        let f = match dnp3::parse(b) {
            Ok(f) => f,
            Err(dnp3::Error::Short { need, have }) => {
                assert!(need > have && have == b.len());
                break;
            }
            Err(_) => {
                b = &b[1..];
                continue;
            }
        };
        assert!(f.len() <= b.len() && f.len() <= dnp3::MAX_FRAME_LEN && !f.is_empty());
        black_box(format!("{f:?}"));
        user.clear();
        f.copy_user_data(&mut user);
        assert_eq!(user.len(), f.user_data_len());
        assert_eq!(f.transport(), dnp3::transport(&user));
        if let Some(t) = f.transport() {
            if t.fir {
                fragment.clear();
            }
            f.copy_fragment_data(&mut fragment);
            if t.fin {
                app(&fragment, Some(&f));
                fragment.clear();
            }
        }
        b = &b[f.len()..];
    }
});
