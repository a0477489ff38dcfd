//! A small safe wrapper over libvpx's VP8 encoder (crate
//! `libvpx-native-sys`, imported as `vpx_sys`), set up for real-time
//! screen content: one frame in, one frame out, keyframes when asked.

use std::mem::MaybeUninit;
use std::os::raw::{c_int, c_uint, c_ulong};
use std::ptr;

use vpx_sys::*;

pub struct EncodedFrame {
    pub data: Vec<u8>,
    pub key: bool,
}

pub struct Vp8Encoder {
    ctx: vpx_codec_ctx_t,
    cfg: vpx_codec_enc_cfg_t,
    width: u32,
    height: u32,
}

// SAFETY: the context is only touched through &mut self.
unsafe impl Send for Vp8Encoder {}

fn check(what: &str, err: vpx_codec_err_t) -> Result<(), String> {
    if err == vpx_codec_err_t::VPX_CODEC_OK {
        Ok(())
    } else {
        Err(format!("{what} failed: {err:?}"))
    }
}

impl Vp8Encoder {
    /// `kbps`: initial target; `threads`: 1 on small machines.
    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn new(
        width: u32,
        height: u32,
        kbps: u32,
        threads: u32,
        cpu_used: i32,
    ) -> Result<Self, String> {
        if !width.is_multiple_of(2) || !height.is_multiple_of(2) {
            return Err("VP8/I420 needs even dimensions".into());
        }
        // SAFETY: the config is filled by libvpx before it is read, and the
        // context initialised by enc_init before it is used.
        unsafe {
            let iface = vpx_codec_vp8_cx();
            // Not mem::zeroed(): the struct holds Rust enums without a 0 variant
            // (vpx_bit_depth_t starts at 8), so an all-zero value is invalid.
            let mut cfg = MaybeUninit::<vpx_codec_enc_cfg_t>::uninit();
            check(
                "config_default",
                vpx_codec_enc_config_default(iface, cfg.as_mut_ptr(), 0),
            )?;
            let mut cfg = cfg.assume_init();
            cfg.g_w = width;
            cfg.g_h = height;
            cfg.g_timebase = vpx_rational { num: 1, den: 1000 }; // pts in ms
            cfg.g_threads = threads;
            cfg.g_lag_in_frames = 0; // no look-ahead: one frame in, one frame out
            cfg.g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT as _;
            cfg.rc_end_usage = vpx_rc_mode::VPX_CBR;
            cfg.rc_target_bitrate = kbps;
            cfg.rc_min_quantizer = 2;
            cfg.rc_max_quantizer = 56;
            cfg.rc_undershoot_pct = 100;
            cfg.rc_overshoot_pct = 15;
            cfg.rc_buf_initial_sz = 500;
            cfg.rc_buf_optimal_sz = 600;
            cfg.rc_buf_sz = 1000;
            cfg.rc_dropframe_thresh = 0;
            cfg.rc_resize_allowed = 0;
            // Keyframes only when asked (PLI/FIR) or rarely.
            cfg.kf_mode = vpx_kf_mode::VPX_KF_AUTO;
            cfg.kf_min_dist = 0;
            cfg.kf_max_dist = 3000;

            let mut ctx = MaybeUninit::<vpx_codec_ctx_t>::uninit();
            check(
                "enc_init",
                vpx_codec_enc_init_ver(
                    ctx.as_mut_ptr(),
                    iface,
                    &cfg,
                    0,
                    VPX_ENCODER_ABI_VERSION as c_int,
                ),
            )?;
            let ctx = ctx.assume_init();
            let mut enc = Vp8Encoder {
                ctx,
                cfg,
                width,
                height,
            };
            enc.control(vp8e_enc_control_id::VP8E_SET_CPUUSED, cpu_used)?;
            // 2 = screen content with more aggressive rate control (what libwebrtc uses
            // for screensharing); 1 = screen content.
            enc.control(vp8e_enc_control_id::VP8E_SET_SCREEN_CONTENT_MODE, 2)?;
            enc.control(vp8e_enc_control_id::VP8E_SET_STATIC_THRESHOLD, 1)?;
            enc.control(vp8e_enc_control_id::VP8E_SET_NOISE_SENSITIVITY, 0)?;
            enc.control(
                vp8e_enc_control_id::VP8E_SET_TOKEN_PARTITIONS,
                vp8e_token_partitions::VP8_ONE_TOKENPARTITION as c_int,
            )?;
            // Cap keyframe size: percent of the per-frame budget.
            enc.control(vp8e_enc_control_id::VP8E_SET_MAX_INTRA_BITRATE_PCT, 900)?;
            Ok(enc)
        }
    }

    fn control(&mut self, id: vp8e_enc_control_id, value: c_int) -> Result<(), String> {
        // SAFETY: an initialised context and an int-valued control.
        check(&format!("control {id:?}"), unsafe {
            vpx_codec_control_(&mut self.ctx, id as c_int, value)
        })
    }

    /// New target from the bandwidth estimator; takes effect on the next frame.
    pub fn set_bitrate_kbps(&mut self, kbps: u32) -> Result<(), String> {
        self.cfg.rc_target_bitrate = kbps;
        // SAFETY: an initialised context and a config libvpx filled.
        check("enc_config_set", unsafe {
            vpx_codec_enc_config_set(&mut self.ctx, &self.cfg)
        })
    }

    /// `i420`: Y plane then U then V, tightly packed (stride = width, width/2).
    pub fn encode(
        &mut self,
        i420: &mut [u8],
        pts_ms: i64,
        duration_ms: u32,
        force_key: bool,
    ) -> Result<Vec<EncodedFrame>, String> {
        assert_eq!(i420.len(), (self.width * self.height * 3 / 2) as usize);
        // SAFETY: `img` wraps `i420`, which outlives the encode call; the
        // packets read belong to the context until the next encode.
        let mut out = Vec::new();
        unsafe {
            let mut img = MaybeUninit::<vpx_image_t>::uninit();
            if vpx_img_wrap(
                img.as_mut_ptr(),
                vpx_img_fmt::VPX_IMG_FMT_I420,
                self.width as c_uint,
                self.height as c_uint,
                1,
                i420.as_mut_ptr(),
            )
            .is_null()
            {
                return Err("vpx_img_wrap failed".into());
            }
            let img = img.assume_init();
            let flags: vpx_enc_frame_flags_t = if force_key {
                VPX_EFLAG_FORCE_KF as vpx_enc_frame_flags_t
            } else {
                0
            };
            check(
                "encode",
                vpx_codec_encode(
                    &mut self.ctx,
                    &img,
                    pts_ms,
                    duration_ms as c_ulong,
                    flags,
                    VPX_DL_REALTIME as c_ulong,
                ),
            )?;
            let mut iter: vpx_codec_iter_t = ptr::null();
            loop {
                let pkt = vpx_codec_get_cx_data(&mut self.ctx, &mut iter);
                if pkt.is_null() {
                    break;
                }
                if (*pkt).kind == vpx_codec_cx_pkt_kind::VPX_CODEC_CX_FRAME_PKT {
                    let f = &(*pkt).data.frame;
                    out.push(EncodedFrame {
                        data: std::slice::from_raw_parts(f.buf as *const u8, f.sz as usize)
                            .to_vec(),
                        key: (f.flags & VPX_FRAME_IS_KEY) != 0,
                    });
                }
            }
        }
        Ok(out)
    }
}

impl Drop for Vp8Encoder {
    fn drop(&mut self) {
        // SAFETY: the context was initialised in new() and is not used after.
        unsafe {
            vpx_codec_destroy(&mut self.ctx);
        }
    }
}
